/**
 * Levenshtein distance between two words, or `max + 1` as soon as it is known to exceed `max`
 * (typo tolerance only ever asks "within 1 or 2?").
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? i) + 1,
        (current[j - 1] ?? i) + 1,
        (previous[j - 1] ?? i) + cost,
      );
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return Math.min(previous[b.length] ?? max + 1, max + 1);
}

/** Edits forgiven in a word of this length: none up to 3 letters, 1 up to 7, then 2. */
export function typoTolerance(length: number): number {
  if (length < 4) return 0;
  return length < 8 ? 1 : 2;
}
