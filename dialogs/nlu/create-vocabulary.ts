import { editDistance, typoTolerance } from './edit-distance.js';

export interface Vocabulary {
  /**
   * The word itself when it is a command word; else the only command word within typo
   * tolerance, unless the word is a known word of its own; else, for a long word, a command
   * word starting with the same 6 letters (another form of the same verb); else undefined.
   */
  correct(word: string): string | undefined;
}

/**
 * Words of command utterances, looked up with tolerance for typos. `otherWords` (words of
 * ordinary answers) are real words, never "corrected" into a command word ("dans" ≠ "sans").
 */
export function createVocabulary(
  commandWords: Iterable<string>,
  otherWords: Iterable<string>,
): Vocabulary {
  const commands = new Set(commandWords);
  const others = new Set(otherWords);
  const byLength = new Map<number, string[]>();
  for (const word of commands) {
    const sameLength = byLength.get(word.length) ?? [];
    sameLength.push(word);
    byLength.set(word.length, sameLength);
  }
  const byStem = new Map<string, string>();
  for (const word of commands) {
    if (word.length >= stemLength && !byStem.has(word.slice(0, stemLength))) {
      byStem.set(word.slice(0, stemLength), word);
    }
  }
  return {
    correct(word) {
      if (commands.has(word)) return word;
      if (others.has(word)) return undefined;
      const max = typoTolerance(word.length);
      let best: string | undefined;
      let bestDistance = max + 1;
      let tie = false;
      for (let length = word.length - max; length <= word.length + max; length++) {
        for (const candidate of byLength.get(length) ?? []) {
          const distance = editDistance(word, candidate, max);
          if (distance > max || distance > bestDistance) continue;
          tie = distance === bestDistance;
          best = candidate;
          bestDistance = distance;
        }
      }
      if (best !== undefined) return tie ? undefined : best;
      // Another form of a command word: "continuez", "stoppez", "reprendrai".
      if (word.length < minStemmed) return undefined;
      return byStem.get(word.slice(0, stemLength));
    },
  };
}

/** Words this long are matched by their first `stemLength` letters when nothing else fits. */
const minStemmed = 7;
const stemLength = 6;
