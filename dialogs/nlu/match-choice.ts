import { editDistance, typoTolerance } from './edit-distance.js';
import { normalizeText } from './normalize-text.js';
import { parseChoiceNumber } from './parse-choice-number.js';

export interface ChoiceCandidate {
  id: string;
  label: string;
  synonyms?: readonly string[];
  /** Phrases that suggest this choice without naming it ("bof"): proposed, never taken as is. */
  guesses?: readonly string[];
  /** Never named by a number ("Sans avis"); such choices come after all the numbered ones. */
  unnumbered?: boolean;
}

/**
 * `sure` is false when the text names the choice among words of its own ("j'ai 2 enfants"),
 * only through a word such as "pas" or "très", or after a negation: the engine then proposes
 * the choice and asks, instead of storing it.
 */
export type ChoiceMatch =
  | { kind: 'one'; id: string; sure: boolean }
  | { kind: 'many'; ids: string[]; sure: boolean }
  | { kind: 'none' };

/**
 * The choice, or choices, a typed text names: by the number shown ("2", "n°2", "deux",
 * "premier"), by label or synonym (case, accents, punctuation, small typos and surrounding
 * words ignored), or by a prefix of 4 letters or more. Never a guess: `none` when unsure
 * which, `sure: false` when unsure whether.
 *
 * @example
 * const themes = [{ id: 'emploi', label: 'Emploi' }, { id: 'mobilite', label: 'Mobilité' }];
 * matchChoice('je dirais la mobilite', themes); // { kind: 'one', id: 'mobilite', sure: true }
 * matchChoice('1 et 2', themes); // { kind: 'many', ids: ['emploi', 'mobilite'], sure: true }
 * matchChoice('3', themes); // { kind: 'none' }
 * matchChoice('pas la mobilite', themes); // { kind: 'none' }
 */
export function matchChoice(text: string, choices: readonly ChoiceCandidate[]): ChoiceMatch {
  const words = toWords(text);
  if (words.length === 0 || choices.length === 0) return noMatch;
  const phrases = choices.map((choice) =>
    [choice.label, ...(choice.synonyms ?? [])]
      .map(toLabelWords)
      .filter((phrase) => phrase.length > 0),
  );
  const whole = words.join(' ');
  const exact = choices.flatMap((_, index) =>
    phrases[index]?.some((phrase) => phrase.join(' ') === whole) === true ? [index] : [],
  );
  if (exact.length > 0) return exact.length === 1 ? toMatch(exact, choices, true) : noMatch;
  const numbered = choices.filter((choice) => choice.unnumbered !== true).length;
  if (numberOne.has(whole)) return numbered > 0 ? toMatch([0], choices, true) : noMatch;

  const found = new Set<number>();
  const typos = { found: false };
  const covered = findPhrases(words, phrases, found, typos);
  if (covered === undefined) return noMatch;
  const phraseContents = phrases.map((ofChoice) => ofChoice.map(toContentWords));
  const contentWords = phraseContents.map((ofChoice) => [...new Set(ofChoice.flat())]);
  let run: Run = [];
  const others: string[] = [];
  /** Where the words naming a choice are, to tell "pas la mobilité" from "mobilité, pas sûr". */
  const naming: number[] = covered.flatMap((isCovered, index) => (isCovered ? [index] : []));
  let weakOnly = false;
  let partial = typos.found;
  const closeRun = (): boolean => {
    // "pas" alone is no « Pas urgent », nor "non" « La non-connaissance des codes ».
    if (run.length > 0 && run.every((entry) => weakWords.has(entry.word))) weakOnly = true;
    // "saute" is a typo away from "santé": short words are too close to others to be sure.
    if (run.some((entry) => entry.fuzzy)) partial = true;
    const added = addRun(run, found, phraseContents);
    run = [];
    if (added === 'partial') partial = true;
    return added !== 'ambiguous';
  };
  for (const [position, word] of words.entries()) {
    if (covered[position] === true || stopwords.has(word)) continue;
    const candidates = candidatesOf(word, words[position - 1], numbered, contentWords);
    if (candidates === 'none') return noMatch;
    if (candidates.kind === 'word' && candidates.choices.size > 0) {
      run.push({ word, choices: candidates.choices, fuzzy: candidates.fuzzy === true });
      naming.push(position);
      continue;
    }
    if (candidates.kind === 'word') others.push(word);
    if (!closeRun()) return noMatch;
    if (candidates.kind === 'number') {
      found.add(candidates.choice);
      naming.push(position);
    }
  }
  if (!closeRun()) return noMatch;
  // A sentence that mentions "travail" in passing is an opinion, not the choice "Emploi".
  if (others.length > maxOtherWords) return noMatch;
  const negations = words.flatMap((word, index) =>
    negationWords.has(word) && !naming.includes(index) ? [index] : [],
  );
  // "pas la mobilité", "not the bus": the text names a choice to rule it out.
  if (negations.some((at) => naming.some((name) => name > at && name - at <= 2))) return noMatch;
  const sure =
    !weakOnly && !partial && negations.length === 0 && others.every((word) => hedgeWords.has(word));
  return toMatch(
    [...found].sort((a, b) => a - b),
    choices,
    sure,
  );
}

type Candidates =
  | { kind: 'number'; choice: number }
  | { kind: 'word'; choices: ReadonlySet<number>; fuzzy?: boolean }
  | 'none';

const noMatch: ChoiceMatch = { kind: 'none' };

const maxOtherWords = 5;

/** Typos in words this short are taken for a guess only. */
const shortWord = 6;

type Run = { word: string; choices: ReadonlySet<number>; fuzzy: boolean }[];

function toMatch(
  indexes: readonly number[],
  choices: readonly ChoiceCandidate[],
  sure: boolean,
): ChoiceMatch {
  const ids = indexes.flatMap((index) => choices[index]?.id ?? []);
  const [first] = ids;
  if (first === undefined) return noMatch;
  return ids.length === 1 ? { kind: 'one', id: first, sure } : { kind: 'many', ids, sure };
}

function toWords(text: string): string[] {
  return normalizeText(text)
    .split(' ')
    .filter((word) => word !== '');
}

/** toWords, remembered: the same few labels come back on every message. */
function toLabelWords(label: string): readonly string[] {
  const known = labelWords.get(label);
  if (known !== undefined) return known;
  if (labelWords.size >= maxLabels) labelWords.clear();
  const words = toWords(label);
  labelWords.set(label, words);
  return words;
}

const labelWords = new Map<string, readonly string[]>();
const maxLabels = 5_000;

/** The words that tell a label apart: "Les transports" → ["transports"]. */
function toContentWords(phrase: readonly string[]): string[] {
  const content = phrase.filter((word) => !stopwords.has(word));
  return content.length > 0 ? content : [...phrase];
}

/**
 * Adds the choices whose whole label (or synonym) appears in the text, longest first, and
 * returns the positions they cover; undefined when two of them overlap without nesting.
 */
function findPhrases(
  words: readonly string[],
  phrases: readonly (readonly (readonly string[])[])[],
  found: Set<number>,
  fuzzy: { found: boolean },
): boolean[] | undefined {
  const spans: { choice: number; start: number; end: number; fuzzy: boolean }[] = [];
  const contentPositions = words.flatMap((word, index) => (stopwords.has(word) ? [] : [index]));
  const contentWords = contentPositions.flatMap((index) => words[index] ?? []);
  for (const [choice, ofChoice] of phrases.entries()) {
    for (const phrase of ofChoice) {
      for (const start of findSequence(words, phrase)) {
        const fuzzy = isFuzzy(words.slice(start, start + phrase.length), phrase);
        spans.push({ choice, start, end: start + phrase.length, fuzzy });
      }
      const content = toContentWords(phrase);
      for (const start of findSequence(contentWords, content)) {
        const first = contentPositions[start];
        const last = contentPositions[start + content.length - 1];
        if (first !== undefined && last !== undefined) {
          const fuzzy = isFuzzy(contentWords.slice(start, start + content.length), content);
          spans.push({ choice, start: first, end: last + 1, fuzzy });
        }
      }
    }
  }
  spans.sort((a, b) => b.end - b.start - (a.end - a.start));
  const covered = words.map(() => false);
  const kept: typeof spans = [];
  for (const span of spans) {
    const overlapping = kept.filter((other) => span.start < other.end && other.start < span.end);
    const nested = overlapping.some((other) => other.start <= span.start && span.end <= other.end);
    if (nested) continue;
    if (overlapping.some((other) => other.choice !== span.choice)) return undefined;
    kept.push(span);
    found.add(span.choice);
    if (span.fuzzy) fuzzy.found = true;
    for (let index = span.start; index < span.end; index++) covered[index] = true;
  }
  return covered;
}

/** Whether a short word was read through a typo: « saute » for « santé ». */
function isFuzzy(typed: readonly string[], expected: readonly string[]): boolean {
  return typed.some((word, index) => isShortTypo(word, expected[index] ?? word));
}

/**
 * A typo in a short word, not a plural, a final letter more or less ("emploie", "fai") or
 * a left-out apostrophe ("lemploi"): such a word is taken for a guess only.
 */
function isShortTypo(typed: string, expected: string): boolean {
  if (typed === expected || expected.length > shortWord) return false;
  // A doubled letter typed once or twice: "acord", "accord".
  if (typed.replace(/(.)\1+/g, '$1') === expected.replace(/(.)\1+/g, '$1')) return false;
  const longer = typed.length > expected.length ? typed : expected;
  const shorter = longer === typed ? expected : typed;
  if (longer.length === shorter.length + 1 && longer.startsWith(shorter)) return false;
  if (elided.test(typed) && typed.length > 2) return isShortTypo(typed.slice(1), expected);
  return true;
}

function findSequence(words: readonly string[], phrase: readonly string[]): number[] {
  const starts: number[] = [];
  for (let start = 0; start + phrase.length <= words.length; start++) {
    if (phrase.every((expected, offset) => sameWord(words[start + offset] ?? '', expected))) {
      starts.push(start);
    }
  }
  return starts;
}

/**
 * Equal, or a typo away: same first letter, and within the tolerance for its length (words
 * of five letters or more); an
 * apostrophe left out counts as none ("daccord" is "d'accord", "lemploi" is "l'emploi").
 */
function sameWord(typed: string, expected: string): boolean {
  if (typed === expected) return true;
  if (
    expected.length >= 4 &&
    elided.test(typed) &&
    /^[aeiouyh]/.test(expected) &&
    sameWord(typed.slice(1), expected)
  )
    return true;
  if (typed[0] !== expected[0] || /\d/.test(typed) || /\d/.test(expected)) return false;
  // Four letters are too few to tell a typo from another word ("sais" is not "sans"): only
  // the plural, the singular, or the last letter left out ("fai").
  if (expected.length <= 4)
    return (
      typed === `${expected}s` ||
      `${typed}s` === expected ||
      (typed.length === 3 && expected.startsWith(typed))
    );
  const tolerance = typoTolerance(expected.length);
  return tolerance > 0 && editDistance(typed, expected, tolerance) <= tolerance;
}

/**
 * What one word of the text may refer to: a position, or the choices having that word (exact,
 * else within a typo, else as a prefix of 4 letters or more). 'none' when it makes the whole
 * text ambiguous or impossible: an out-of-range number, "les deux" (both? the second?).
 */
function candidatesOf(
  word: string,
  previous: string | undefined,
  count: number,
  contentWords: readonly (readonly string[])[],
): Candidates {
  const withWord = choicesWhere(contentWords, (words) => words.includes(word));
  const number = parseChoiceNumber(word);
  if (number !== undefined) {
    if (cardinals.has(word) && previous !== undefined && plural.has(previous)) return 'none';
    const position = number === 'last' ? count : number;
    const inRange = position >= 1 && position <= count;
    // "2" for « Question 2 »: the number and the label agree.
    const same = withWord.size === 1 && withWord.has(position - 1);
    if (withWord.size === 0 || (same && inRange))
      return inRange ? { kind: 'number', choice: position - 1 } : 'none';
    if (inRange) withWord.add(position - 1);
    return { kind: 'word', choices: withWord };
  }
  if (withWord.size > 0) return { kind: 'word', choices: withWord };
  const typo = choicesWhere(contentWords, (words) => words.some((w) => sameWord(word, w)));
  if (typo.size > 0 || word.length < 4 || /\d/.test(word))
    return {
      kind: 'word',
      choices: typo,
      fuzzy: contentWords.some((words) =>
        words.some((w) => sameWord(word, w) && isShortTypo(word, w)),
      ),
    };
  const prefix = choicesWhere(contentWords, (words) =>
    words.some((w) => w.length > word.length && w.startsWith(word)),
  );
  return { kind: 'word', choices: prefix };
}

function choicesWhere(
  contentWords: readonly (readonly string[])[],
  test: (words: readonly string[]) => boolean,
): Set<number> {
  const choices = new Set<number>();
  for (const [index, words] of contentWords.entries()) if (test(words)) choices.add(index);
  return choices;
}

/**
 * Adds what a run of words names: the one choice all its words share ("tout à fait" in
 * "Tout à fait d'accord"), else one choice per word ("emploi, culture"). 'ambiguous' when
 * it cannot tell; 'partial' when the words are only part of every label or synonym of what
 * they name ("teachers" in « parent-teacher meetings », "famille" in « relation école-famille »).
 */
function addRun(
  run: Run,
  found: Set<number>,
  phraseContents: readonly (readonly (readonly string[])[])[],
): 'whole' | 'partial' | 'ambiguous' {
  const [first, ...rest] = run;
  if (first === undefined) return 'whole';
  const shared = [...first.choices].filter((choice) =>
    rest.every((entry) => entry.choices.has(choice)),
  );
  const [only] = shared;
  if (only !== undefined) {
    if (shared.length > 1) return 'ambiguous';
    found.add(only);
    return covers(
      run.map((entry) => entry.word),
      phraseContents[only] ?? [],
    )
      ? 'whole'
      : 'partial';
  }
  let whole = true;
  for (const entry of run) {
    const [choice] = entry.choices;
    if (choice === undefined || entry.choices.size > 1) return 'ambiguous';
    found.add(choice);
    if (!covers([entry.word], phraseContents[choice] ?? [])) whole = false;
  }
  return whole ? 'whole' : 'partial';
}

/** Whether the words name every content word of one of the phrases. */
function covers(words: readonly string[], phrases: readonly (readonly string[])[]): boolean {
  return phrases.some((phrase) =>
    phrase.every((expected) =>
      words.some(
        (word) =>
          sameWord(word, expected) ||
          (word.length >= 4 && expected.length > word.length && expected.startsWith(word)),
      ),
    ),
  );
}

/** "un", "one": alone, the first choice; in a sentence, an article. */
const numberOne = new Set(['un', 'une', 'le un', 'one', 'number one']);

/** "les deux", "all three": both or all, not a position. */
const plural = new Set(['les', 'all', 'the']);
const cardinals = new Set([
  ...['deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix'],
  ...['two', 'three', 'four', 'five', 'seven', 'eight', 'nine', 'ten'],
]);

/** Glue words: they neither name a choice nor break a run of words that do. */
const stopwords = new Set([
  ...['a', 'au', 'aux', 'avec', 'c', 'ce', 'd', 'de', 'des', 'du', 'en', 'est', 'et', 'j', 'je'],
  ...['l', 'la', 'le', 'les', 'm', 'ma', 'me', 'mes', 'moi', 'mon', 'n', 'ou', 'par', 'pour'],
  ...['sur', 'un', 'une', 'y', 'an', 'and', 'for', 'i', 'in', 'is', 'it', 'my', 'of', 'on'],
  ...['or', 'the', 'to', 'with'],
]);

/** A letter that loses its vowel before another vowel: "l'", "d'", "j'", "qu'" less the "u". */
const elided = /^[cdjlmnst][aeiouyh]/;

/** Words that qualify a choice without naming it: "pas" alone is not « Pas urgent ». */
const weakWords = new Set([
  ...['pas', 'peu', 'tres', 'trop', 'assez', 'plus', 'moins', 'bien', 'tout', 'vraiment'],
  ...['not', 'very', 'quite', 'too', 'more', 'less', 'much', 'little', 'all', 'really'],
  ...['non', 'oui', 'no', 'yes', 'ok'],
]);

/** Words that turn what follows them down: "pas la mobilité", "not the bus". */
const negationWords = new Set([
  ...['pas', 'non', 'ne', 'jamais', 'sans', 'aucun', 'aucune', 'rien', 'ni'],
  ...['not', 'no', 'never', 'without', 'nothing', 'none', 'nor', 't'],
]);

/** Words people put around an answer that do not change it: "je dirais plutôt le 2". */
const hedgeWords = new Set([
  ...['dirais', 'dirai', 'dis', 'pense', 'crois', 'choisis', 'choisirais', 'choisi', 'prends'],
  ...['prendrais', 'prend', 'mets', 'mettrais', 'met', 'vote', 'opte', 'surtout', 'plutot'],
  ...['perso', 'personnellement', 'franchement', 'bah', 'ben', 'euh', 'bon', 'alors', 'voila'],
  ...['ca', 'cest', 'numero', 'num', 'reponse', 'choix', 'option', 'celle', 'celui', 'ci'],
  ...['oui', 'ok', 'okay', 'ouais', 'clairement', 'evidemment', 'think', 'say', 'pick'],
  ...['choose', 'go', 'guess', 'would', 'id', 'answer', 'choice', 'number', 'definitely'],
  ...['yes', 'yeah', 'well', 'that', 'one', 'this', 'please', 'svp', 'stp', 'merci', 'thanks'],
]);
