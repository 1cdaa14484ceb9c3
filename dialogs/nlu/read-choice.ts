import { matchChoice, type ChoiceCandidate, type ChoiceMatch } from './match-choice.js';
import { toCommandWords } from './to-command-words.js';

/**
 * What a typed text says about a choice list: `sure` when it clearly names choices (a number,
 * a label, a synonym, with typos), `guess` when it only suggests some (« bof », « pas trop »,
 * a label among words of its own): the engine proposes a guess and asks before storing it.
 */
export type ChoiceReading =
  { kind: 'sure'; ids: string[] } | { kind: 'guess'; ids: string[] } | { kind: 'none' };

/**
 * Reads a typed answer against the choices: a sure match first, then a phrase that suggests a
 * choice (its `guesses`), then a match that is not sure.
 *
 * @example
 * const scale = [{ id: '1', label: 'Pas urgent' }, { id: '2', label: 'Peu urgent', guesses: ['bof'] }];
 * readChoice('2', scale); // { kind: 'sure', ids: ['2'] }
 * readChoice('bof', scale); // { kind: 'guess', ids: ['2'] }
 * readChoice('pas trop', scale); // { kind: 'guess', ids: ['1'] } (only the word "pas")
 */
export function readChoice(text: string, candidates: readonly ChoiceCandidate[]): ChoiceReading {
  const match = matchChoice(text, candidates);
  if (match.kind !== 'none' && match.sure) return { kind: 'sure', ids: idsOf(match) };
  const suggested = suggestedChoice(text, candidates);
  if (suggested !== undefined) return { kind: 'guess', ids: [suggested] };
  if (match.kind !== 'none') return { kind: 'guess', ids: idsOf(match) };
  return { kind: 'none' };
}

function idsOf(match: Exclude<ChoiceMatch, { kind: 'none' }>): string[] {
  return match.kind === 'one' ? [match.id] : [...new Set(match.ids)];
}

/**
 * The one choice one of whose `guesses` the text says, give or take hedges ("bah", "moi") and
 * the words every label shares ("urgent" on an urgency scale): « pas trop urgent » → « pas trop ».
 */
function suggestedChoice(text: string, candidates: readonly ChoiceCandidate[]): string | undefined {
  const words = toCommandWords(text);
  if (words.length === 0) return undefined;
  const shared = sharedWords(candidates);
  const found = new Set<string>();
  for (const candidate of candidates) {
    for (const guess of candidate.guesses ?? []) {
      const phrase = toCommandWords(guess);
      const start = indexOfPhrase(words, phrase);
      if (start < 0) continue;
      const rest = [...words.slice(0, start), ...words.slice(start + phrase.length)];
      if (rest.every((word) => neutral.has(word) || shared.has(word))) found.add(candidate.id);
    }
  }
  const [only] = found;
  return found.size === 1 ? only : undefined;
}

function indexOfPhrase(words: readonly string[], phrase: readonly string[]): number {
  if (phrase.length === 0) return -1;
  for (let start = 0; start + phrase.length <= words.length; start++) {
    if (phrase.every((word, offset) => words[start + offset] === word)) return start;
  }
  return -1;
}

/** Words found in every label ("urgent" in all five points of an urgency scale). */
function sharedWords(candidates: readonly ChoiceCandidate[]): ReadonlySet<string> {
  const labels = candidates
    .filter((c) => c.unnumbered !== true)
    .map((c) => toCommandWords(c.label));
  const [first, ...rest] = labels;
  if (!first || rest.length === 0) return new Set();
  return new Set(first.filter((word) => rest.every((label) => label.includes(word))));
}

/** Said around a guess without changing it: « bah je sais pas moi », « honestly no idea ». */
const neutral = new Set(
  [
    ...['bah', 'ben', 'bon', 'euh', 'hm', 'alors', 'franchement', 'honnetement', 'moi', 'perso'],
    ...['personnellement', 'vraiment', 'trop', 'c', 'est', 'ca', 'la', 'dessus', 'je', 'dirais'],
    ...['well', 'honestly', 'really', 'um', 'uh', 'i', 'd', 'say', 'on', 'that', 'this', 'one'],
    ...['hein', 'quoi', 'lol', 'mdr'],
  ].flatMap((word) => toCommandWords(word)),
);
