import { createHash } from 'node:crypto';

/**
 * A published, re-implementable pseudo-random generator (« concerto-draw-v1 »), so that
 * anyone can re-run a draw from its seed:
 *
 * - block k (k = 0, 1, 2, …) is SHA-256 of the UTF-8 bytes of `<seed>:<k>` (k in decimal);
 * - each block gives eight unsigned 32-bit integers, read big-endian, used in order;
 * - an integer below n is a 32-bit value x taken only if x < n × ⌊2³² / n⌋ (else the next
 *   one is read), then x mod n: no value is more likely than another;
 * - a shuffle is Fisher–Yates from the last position down: for i = length − 1 … 1, swap the
 *   item at i with the one at `below(i + 1)`.
 *
 * Not for secrets: for draws whose fairness anyone can check. (Math.random cannot be
 * seeded, and its algorithm differs between engines.)
 *
 * @example new SeededRandom('2017-12-06 loto 7 12 23 34 41').shuffle(['a', 'b', 'c'])
 */
export class SeededRandom {
  private block: Buffer = Buffer.alloc(0);
  private offset = 32;
  private counter = 0;

  constructor(readonly seed: string) {}

  /** The next 32-bit unsigned integer of the stream. */
  nextUint32(): number {
    if (this.offset >= 32) {
      this.block = createHash('sha256').update(`${this.seed}:${this.counter}`, 'utf8').digest();
      this.counter += 1;
      this.offset = 0;
    }
    const value = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A whole number from 0 to n − 1, each equally likely (1 ≤ n ≤ 2³²). */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32)
      throw new RangeError(`below(n): n must be a whole number from 1 to 2^32, got ${n}`);
    const limit = n * Math.floor(2 ** 32 / n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A copy of `items` in random order. */
  shuffle<T>(items: readonly T[]): T[] {
    // Boxed, so that a swap never mistakes an item for a missing one.
    const cells = items.map((value) => ({ value }));
    for (let i = cells.length - 1; i > 0; i -= 1) {
      const j = this.below(i + 1);
      const a = cells[i];
      const b = cells[j];
      if (a === undefined || b === undefined) throw new Error('shuffle: index out of range');
      cells[i] = b;
      cells[j] = a;
    }
    return cells.map((cell) => cell.value);
  }
}
