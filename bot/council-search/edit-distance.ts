/** Reused between calls: searching computes thousands of small distances. */
let rows = new Int32Array(3 * 64);

/**
 * Optimal string alignment distance (Levenshtein plus swapping two neighbours: « robuaix » →
 * « roubaix » costs 1), or `bound + 1` as soon as it must exceed `bound`. Only the diagonal
 * band of width 2 × bound + 1 is computed: a typo check that gives up early and stays cheap.
 *
 * @example editDistance('roubais', 'roubaix', 2) // 1
 */
export function editDistance(a: string, b: string, bound: number): number {
  const n = a.length;
  const m = b.length;
  const over = bound + 1;
  if (Math.abs(n - m) > bound) return over;
  if (a === b) return 0;
  const width = m + 1;
  if (rows.length < 3 * width) rows = new Int32Array(6 * width);
  let older = 0; // row i - 2
  let previous = width; // row i - 1
  let current = 2 * width; // row i
  for (let j = 0; j <= m; j += 1) rows[previous + j] = j <= bound ? j : over;
  for (let i = 1; i <= n; i += 1) {
    const low = Math.max(1, i - bound);
    const high = Math.min(m, i + bound);
    const left = low === 1 && i <= bound ? i : over;
    rows[current + low - 1] = left;
    let rowMin = left;
    const charA = a.charCodeAt(i - 1);
    for (let j = low; j <= high; j += 1) {
      const charB = b.charCodeAt(j - 1);
      let value = (rows[previous + j - 1] ?? over) + (charA === charB ? 0 : 1);
      const deletion = (rows[previous + j] ?? over) + 1;
      if (deletion < value) value = deletion;
      const insertion = (rows[current + j - 1] ?? over) + 1;
      if (insertion < value) value = insertion;
      if (i > 1 && j > 1 && charA === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === charB) {
        const swap = (rows[older + j - 2] ?? over) + 1;
        if (swap < value) value = swap;
      }
      if (value > over) value = over;
      rows[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    // The next row reads one cell right of this band: outside it, the distance exceeds bound.
    if (high < m) rows[current + high + 1] = over;
    if (rowMin > bound) return over;
    [older, previous, current] = [previous, current, older];
  }
  return Math.min(rows[previous + m] ?? over, over);
}

/** How many typos a word of this length may carry and still be recognised. */
export function typoBound(length: number): number {
  if (length <= 3) return 0;
  return length <= 6 ? 1 : 2;
}
