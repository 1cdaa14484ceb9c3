import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, typoBound } from '../../bot/council-search/edit-distance.js';

/** The textbook optimal string alignment distance, over the whole table. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const row = d[i]!;
      row[j] = Math.min(
        d[i - 1]![j]! + 1,
        row[j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('editDistance', () => {
  it('counts one typo, one swap, and gives up past the bound', () => {
    expect(editDistance('roubais', 'roubaix', 2)).toBe(1);
    expect(editDistance('robuaix', 'roubaix', 2)).toBe(1);
    expect(editDistance('courneuve', 'courneuve', 2)).toBe(0);
    expect(editDistance('tourcoing', 'roubaix', 2)).toBe(3);
    expect(editDistance('a', 'abcd', 1)).toBe(2);
  });

  it('agrees with the full computation up to its bound', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, bound) => {
        expect(editDistance(a, b, bound)).toBe(Math.min(reference(a, b), bound + 1));
      }),
      { numRuns: 5000 },
    );
  });

  it('allows no typo in short words', () => {
    expect(typoBound(3)).toBe(0);
    expect(typoBound(5)).toBe(1);
    expect(typoBound(7)).toBe(2);
  });
});
