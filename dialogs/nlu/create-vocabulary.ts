import { editDistance, typoTolerance } from './edit-distance.js';

export interface Vocabulary {
  /**
   * The word itself when it is a command word; else the only command word within typo
   * tolerance, unless the word is a known word of its own; else undefined.
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
      return tie ? undefined : best;
    },
  };
}
