import type { CouncilEntry, Place } from './council-entry.js';
import { place } from './council-entry.js';
import { editDistance, typoBound } from './edit-distance.js';

/** A council that matches, with how well: a higher score first, then a smaller distance. */
export interface ScoredEntry {
  entry: CouncilEntry;
  score: number;
  distance: number;
}

/** Scores of the ways a council can match: exact beats prefix beats words beats typos. */
const scores = {
  id: 110, // its QPV code
  communeExact: 100,
  codeExact: 100, // INSEE code or postcode
  nameExact: 95,
  departmentExact: 90, // département code or name
  communePrefix: 80,
  namePrefix: 75,
  departmentPrefix: 70,
  codePrefix: 70,
  words: 60,
  coversCommune: 5, // bonus when the words name a whole commune (« courneuve »)
  communeTypo: 40,
  wordsTypo: 40,
  departmentTypo: 30,
} as const;

/** The words and names of the whole list, gathered once per list for quick look-ups. */
export interface Vocabulary {
  /** Words of names (letters), by length, for typo look-ups. */
  wordsByLength: readonly (LengthBucket | undefined)[];
  /** The same, sorted, to find the words a prefix starts. */
  sortedWords: readonly string[];
  /** Each word or code → the positions of the councils that have it. */
  entriesByWord: ReadonlyMap<string, readonly number[]>;
  /** Commune and département names run together, by length. */
  placeNamesByLength: readonly (LengthBucket | undefined)[];
}

/** Words of one length, with the set of letters of each (see `letterSet`). */
interface LengthBucket {
  words: string[];
  letters: number[];
}

export function vocabularyOf(entries: readonly CouncilEntry[]): Vocabulary {
  const entriesByWord = new Map<string, number[]>();
  const placeNames = new Set<string>();
  entries.forEach((entry, position) => {
    for (const word of entry.words) {
      const positions = entriesByWord.get(word);
      if (positions) positions.push(position);
      else entriesByWord.set(word, [position]);
    }
    for (const commune of entry.communes) placeNames.add(commune.compact);
    if (entry.departmentName) placeNames.add(entry.departmentName.compact);
  });
  const words = [...entriesByWord.keys()].filter((word) => !/\d/.test(word)).sort();
  return {
    wordsByLength: byLength(words),
    sortedWords: words,
    entriesByWord,
    placeNamesByLength: byLength([...placeNames].sort()),
  };
}

function byLength(words: readonly string[]): LengthBucket[] {
  const buckets: LengthBucket[] = [];
  for (const word of words) {
    const bucket = (buckets[word.length] ??= { words: [], letters: [] });
    bucket.words.push(word);
    bucket.letters.push(letterSet(word));
  }
  return buckets;
}

/**
 * The letters of a word as bits. One typo changes at most two letters of the set (a swap
 * none), so words whose sets differ by more than 2 × bound are skipped without computing
 * their distance: most of the list, cheaply.
 */
function letterSet(word: string): number {
  let bits = 0;
  for (let i = 0; i < word.length; i += 1) bits |= 1 << (word.charCodeAt(i) % 31);
  return bits;
}

function bitCount(bits: number): number {
  let rest = bits - ((bits >>> 1) & 0x55555555);
  rest = (rest & 0x33333333) + ((rest >>> 2) & 0x33333333);
  return (((rest + (rest >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Every council matching what a resident typed, best first: a neighbourhood or commune name
 * (typos, missing accents and hyphens forgiven, « st » for « saint »), a postcode, an INSEE
 * code, a département code or name, or a QPV code. The order is deterministic.
 */
export function searchCouncils(
  entries: readonly CouncilEntry[],
  vocabulary: Vocabulary,
  text: string,
): ScoredEntry[] {
  const code = text
    .trim()
    .toUpperCase()
    .replace(/[\s.-]+/g, '');
  const found: ScoredEntry[] = [];
  if (isCodeQuery(code)) {
    for (const entry of entries) {
      const scored = matchCode(entry, code);
      if (scored !== undefined) found.push(scored);
    }
  } else {
    const query = textQuery(text, vocabulary);
    if (query === undefined) return [];
    const byWords = matchWords(entries, vocabulary, query.wordCosts);
    entries.forEach((entry, position) => {
      const scored = matchNames(entry, query, byWords.get(position));
      if (scored !== undefined) found.push(scored);
    });
  }
  return found.sort(byRank);
}

function byRank(a: ScoredEntry, b: ScoredEntry): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.distance !== b.distance) return a.distance - b.distance;
  return a.entry.sortKey < b.entry.sortKey ? -1 : a.entry.sortKey > b.entry.sortKey ? 1 : 0;
}

/** « 59 », « 2A », « 974 », « 9320 », « 93200 », « 2A004 ». */
function isCodeQuery(code: string): boolean {
  return /^(\d{2,5}|2[AB](\d{3})?)$/.test(code);
}

function matchCode(entry: CouncilEntry, code: string): ScoredEntry | undefined {
  if (entry.insee.includes(code) || entry.postcodes.includes(code))
    return ranked(entry, scores.codeExact, 0);
  if (entry.departmentCode === code) return ranked(entry, scores.departmentExact, 0);
  if (code.length >= 3 && code.length <= 4) {
    const starts = (c: string) => c.startsWith(code);
    if (entry.postcodes.some(starts) || entry.insee.some(starts))
      return ranked(entry, scores.codePrefix, 0);
  }
  return undefined;
}

interface TextQuery {
  place: Place;
  /** The QPV code, if that is what was typed. */
  id: string;
  /** For each word that names something: the list's words it may mean, with their cost. */
  wordCosts: ReadonlyMap<string, number>[];
  /** Commune and département names within a few typos of the whole query. */
  placeTypos: ReadonlyMap<string, number>;
}

function textQuery(text: string, vocabulary: Vocabulary): TextQuery | undefined {
  const query = place(text);
  if (query.compact.length < 2) return undefined;
  const last = query.content.length - 1;
  return {
    place: query,
    id: text.trim().toUpperCase(),
    wordCosts: query.content.map((word, index) => costsOf(word, index === last, vocabulary)),
    placeTypos: typosOf(query.compact, vocabulary.placeNamesByLength),
  };
}

/** The best of the whole-name comparisons and `byWords`, the council's match by words. */
function matchNames(
  entry: CouncilEntry,
  query: TextQuery,
  byWords: ScoredEntry | undefined,
): ScoredEntry | undefined {
  let best = entry.ref.id === query.id ? ranked(entry, scores.id, 0) : byWords;
  for (const commune of entry.communes) {
    best = compare(best, entry, commune, query, [
      scores.communeExact,
      scores.communePrefix,
      scores.communeTypo,
    ]);
  }
  best = compare(best, entry, entry.name, query, [scores.nameExact, scores.namePrefix, 0]);
  if (entry.departmentName) {
    best = compare(best, entry, entry.departmentName, query, [
      scores.departmentExact,
      query.place.compact.length >= 4 ? scores.departmentPrefix : 0,
      scores.departmentTypo,
    ]);
  }
  return best;
}

/**
 * A whole name against the whole query, run together: the same, its start, or the same with
 * typos (communes and départements only); a tier scored 0 is not tried.
 */
function compare(
  best: ScoredEntry | undefined,
  entry: CouncilEntry,
  target: Place,
  query: TextQuery,
  [exact, prefix, typo]: readonly [number, number, number],
): ScoredEntry | undefined {
  const { compact } = query.place;
  if (target.compact === compact) return better(best, entry, exact, 0);
  if (prefix > 0 && compact.length >= 3 && target.compact.startsWith(compact))
    return better(best, entry, prefix, target.compact.length - compact.length);
  const typos = typo > 0 ? query.placeTypos.get(target.compact) : undefined;
  return typos === undefined ? best : better(best, entry, typo, typos);
}

/**
 * The councils that have every word that names something (not « la », « sur »…), by position:
 * equal, the start of one for the last word typed, or with a typo. The words may come from the
 * neighbourhood, its communes and its codes (« alma roubaix », « saint denis 93 »).
 */
function matchWords(
  entries: readonly CouncilEntry[],
  vocabulary: Vocabulary,
  wordCosts: readonly ReadonlyMap<string, number>[],
): Map<number, ScoredEntry> {
  // Position → the words matched so far and their typos; narrowed word by word.
  let found: Map<number, { words: Set<string>; typos: number }> | undefined;
  for (const costs of wordCosts) {
    const next = new Map<
      number,
      { words: Set<string>; typos: number; cost: number; word: string }
    >();
    for (const [word, cost] of costs) {
      for (const position of vocabulary.entriesByWord.get(word) ?? []) {
        const before = found ? found.get(position) : { words: new Set<string>(), typos: 0 };
        const seen = next.get(position);
        if (before && (seen === undefined || cost < seen.cost))
          next.set(position, { words: before.words, typos: before.typos, cost, word });
      }
    }
    found = new Map(
      [...next].map(([position, { words, typos, cost, word }]) => [
        position,
        { words: new Set(words).add(word), typos: typos + (cost >= 1 ? cost : 0) },
      ]),
    );
  }
  const scored = new Map<number, ScoredEntry>();
  for (const [position, { words, typos }] of found ?? []) {
    const entry = entries[position];
    if (entry === undefined) continue;
    const covers = entry.communes.some(
      (commune) => commune.content.length > 0 && commune.content.every((w) => words.has(w)),
    );
    const score =
      (typos === 0 ? scores.words : scores.wordsTypo) + (covers ? scores.coversCommune : 0);
    // Among equals, the council with fewer other words is the closer match.
    scored.set(position, ranked(entry, score, typos + (entry.words.length - words.size) / 100));
  }
  return scored;
}

function better(
  best: ScoredEntry | undefined,
  entry: CouncilEntry,
  score: number,
  distance: number,
): ScoredEntry {
  const candidate = ranked(entry, score, distance);
  return best !== undefined && byRank(best, candidate) <= 0 ? best : candidate;
}

/** Among equals, a QPV of one commune before one that spans several. */
function ranked(entry: CouncilEntry, score: number, distance: number): ScoredEntry {
  return { entry, score, distance: distance + (entry.communes.length - 1) / 1000 };
}

/** The cost of a word typed as the start of a longer one (not a typo). */
const prefixCost = 0.5;

/**
 * For one query word, the list's words it may mean: 0 for the same word, `prefixCost` for
 * the start of one (last word only, as it may still be being typed), else its typos.
 * Codes (digits) are only taken whole.
 */
function costsOf(word: string, isLast: boolean, vocabulary: Vocabulary): Map<string, number> {
  const costs = new Map<string, number>();
  if (vocabulary.entriesByWord.has(word)) costs.set(word, 0);
  if (/\d/.test(word)) return costs;
  if (isLast && word.length >= 3) {
    const words = vocabulary.sortedWords;
    for (let i = lowerBound(words, word); i < words.length; i += 1) {
      const candidate = words[i] ?? '';
      if (!candidate.startsWith(word)) break;
      if (candidate !== word) costs.set(candidate, prefixCost);
    }
  }
  for (const [candidate, distance] of typosOf(word, vocabulary.wordsByLength))
    if (!costs.has(candidate)) costs.set(candidate, distance);
  return costs;
}

/** The words of `byLength` within the typos a word of this length may carry. */
function typosOf(
  text: string,
  byLength: readonly (LengthBucket | undefined)[],
): Map<string, number> {
  const typos = new Map<string, number>();
  const bound = typoBound(text.length);
  if (bound === 0) return typos;
  const letters = letterSet(text);
  for (let length = text.length - bound; length <= text.length + bound; length += 1) {
    const bucket = byLength[length];
    if (bucket === undefined) continue;
    for (let i = 0; i < bucket.words.length; i += 1) {
      if (bitCount(letters ^ (bucket.letters[i] ?? 0)) > 2 * bound) continue;
      const candidate = bucket.words[i] ?? '';
      const distance = editDistance(text, candidate, bound);
      if (distance > 0 && distance <= bound) typos.set(candidate, distance);
    }
  }
  return typos;
}

/** The first position in sorted `words` not before `word`. */
function lowerBound(words: readonly string[], word: string): number {
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((words[middle] ?? '') < word) low = middle + 1;
    else high = middle;
  }
  return low;
}
