import { editDistance, typoTolerance } from './edit-distance.js';

export interface Vocabulary {
  has(word: string): boolean;
  /** The word itself when known, else the only known word within typo tolerance, else undefined. */
  correct(word: string): string | undefined;
}

/** The words of a training corpus, looked up with tolerance for typos. */
export function createVocabulary(words: Iterable<string>): Vocabulary {
  const known = new Set(words);
  const byLength = new Map<number, string[]>();
  for (const word of known) {
    const sameLength = byLength.get(word.length) ?? [];
    sameLength.push(word);
    byLength.set(word.length, sameLength);
  }
  return {
    has: (word) => known.has(word),
    correct(word) {
      if (known.has(word)) return word;
      // Words of 5 letters or more only: shorter ones are too often another real word.
      if (word.length < 5) return undefined;
      const max = typoTolerance(word.length);
      let best: string | undefined;
      let bestDistance = max + 1;
      let tie = false;
      for (let length = word.length - max; length <= word.length + max; length++) {
        for (const candidate of byLength.get(length) ?? []) {
          const distance = editDistance(word, candidate, max);
          if (distance > max) continue;
          if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
            tie = false;
          } else if (distance === bestDistance) {
            tie = true;
          }
        }
      }
      return tie ? undefined : best;
    },
  };
}
