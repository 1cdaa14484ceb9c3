import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawVolunteers, type Volunteer } from '../../bot/workshop/draw-volunteers.js';
import { SeededRandom } from '../../bot/workshop/seeded-random.js';

const councils = ['QN05981M', 'QN05983M', 'QN09301M', 'QN97426M', null];
const roles = ['tire', 'volontaire', 'acteur', null];
/** What volunteers said when asked (null: not said, a group of its own). */
const genders = ['woman', 'man', 'other', null];

/** Volunteers with unique keys, each in a council, a role and a gender (sometimes unknown). */
const volunteersArb = fc
  .uniqueArray(
    fc.record({
      key: fc.stringMatching(/^[0-9a-f]{6}$/),
      council: fc.constantFrom(...councils),
      role: fc.constantFrom(...roles),
      gender: fc.constantFrom(...genders),
    }),
    { selector: (v) => v.key, maxLength: 120 },
  )
  .map((rows): Volunteer[] =>
    rows.map(({ key, council, role, gender }) => ({ key, strata: { council, role, gender } })),
  );

const balanceArb = fc.constantFrom<string[][]>(
  [],
  ['council'],
  ['role'],
  ['gender'],
  ['council', 'role'],
  ['role', 'council'],
  ['gender', 'council'],
  ['council', 'role', 'gender'],
);

const drawArb = fc.record({
  volunteers: volunteersArb,
  seats: fc.integer({ min: 0, max: 140 }),
  seed: fc.string({ maxLength: 20 }),
  balance: balanceArb,
});

describe('the workshop draw', () => {
  it('is reproducible: the same volunteers (in any order) and seed give the same list', () => {
    fc.assert(
      fc.property(drawArb, fc.integer(), ({ volunteers, seats, seed, balance }, shuffleSeed) => {
        const first = drawVolunteers(volunteers, { seats, seed, balance });
        const reordered = new SeededRandom(String(shuffleSeed)).shuffle(volunteers);
        expect(drawVolunteers(reordered, { seats, seed, balance })).toEqual(first);
      }),
    );
  });

  it('draws exactly min(seats, volunteers), only volunteers, each once', () => {
    fc.assert(
      fc.property(drawArb, ({ volunteers, seats, seed, balance }) => {
        const result = drawVolunteers(volunteers, { seats, seed, balance });
        const drawn = result.lottery.filter((entry) => entry.drawn).map((entry) => entry.key);
        expect(drawn.length).toBe(Math.min(seats, volunteers.length));
        expect(new Set(drawn).size).toBe(drawn.length);
        const keys = new Set(volunteers.map((v) => v.key));
        expect(drawn.every((key) => keys.has(key))).toBe(true);
        // Every volunteer is in the lottery once (the rest are reserves).
        expect(result.lottery.length).toBe(volunteers.length);
      }),
    );
  });

  it('is balanced: every stratum, and every value of the first criterion, within one seat of its quota', () => {
    fc.assert(
      fc.property(drawArb, ({ volunteers, seats, seed, balance }) => {
        const result = drawVolunteers(volunteers, { seats, seed, balance });
        for (const stratum of result.strata) {
          expect(stratum.drawn).toBeGreaterThanOrEqual(Math.floor(stratum.quota));
          expect(stratum.drawn).toBeLessThanOrEqual(Math.ceil(stratum.quota));
        }
        const first = balance[0];
        if (first !== undefined)
          for (const total of result.totals[first] ?? [])
            expect(Math.abs(total.drawn - total.quota)).toBeLessThan(1);
        // The strata are what was asked: one per combination present.
        const combinations = new Set(
          volunteers.map((v) => JSON.stringify(balance.map((c) => v.strata[c] ?? null))),
        );
        expect(result.strata.length).toBe(combinations.size);
      }),
    );
  });

  it('balances gender: women, men, other and « not said » each within one seat of their quota, the same seed the same list', () => {
    fc.assert(
      fc.property(
        volunteersArb,
        fc.integer({ min: 1, max: 140 }),
        fc.string({ maxLength: 20 }),
        fc.constantFrom<string[][]>(['gender'], ['gender', 'council'], ['gender', 'role']),
        (volunteers, seats, seed, balance) => {
          const result = drawVolunteers(volunteers, { seats, seed, balance });
          const n = volunteers.length;
          const drawn = new Set(result.lottery.filter((e) => e.drawn).map((e) => e.key));
          for (const gender of genders) {
            const group = volunteers.filter((v) => (v.strata['gender'] ?? null) === gender);
            // The quota computed here, apart from the draw's own arithmetic.
            const quota = n === 0 ? 0 : (Math.min(seats, n) * group.length) / n;
            const got = group.filter((v) => drawn.has(v.key)).length;
            expect(Math.abs(got - quota)).toBeLessThan(1);
          }
          expect(drawVolunteers([...volunteers].reverse(), { seats, seed, balance })).toEqual(
            result,
          );
        },
      ),
    );
  });

  it('gives a different list with another seed (the seed decides, not the order of the data)', () => {
    const volunteers = Array.from({ length: 60 }, (_, i): Volunteer => ({
      key: `k${String(i).padStart(2, '0')}`,
      strata: { council: i % 2 === 0 ? 'A' : 'B' },
    }));
    const a = drawVolunteers(volunteers, { seats: 10, seed: 'one', balance: ['council'] });
    const b = drawVolunteers(volunteers, { seats: 10, seed: 'two', balance: ['council'] });
    const drawn = (r: typeof a) => r.lottery.filter((e) => e.drawn).map((e) => e.key);
    expect(drawn(a)).not.toEqual(drawn(b));
    expect(a.totals['council']).toEqual([
      { value: 'A', volunteers: 30, quota: 5, drawn: 5 },
      { value: 'B', volunteers: 30, quota: 5, drawn: 5 },
    ]);
  });

  it('follows the published generator: SHA-256 of "<seed>:<block>", 32-bit big-endian words', () => {
    const random = new SeededRandom('loto');
    // `printf 'loto:0' | sha256sum` starts with 5f6c66f2 bdd25198.
    expect(random.nextUint32()).toBe(0x5f6c66f2);
    expect(random.nextUint32().toString(16)).toBe(sha256Hex('loto:0').slice(8, 16));
    expect(() => random.below(0)).toThrow(RangeError);
  });

  it('keeps giving the published draw of a small example (a change of algorithm shows here)', () => {
    const volunteers = [...'abcdefghij'].map((key, i): Volunteer => ({
      key,
      strata: { council: i < 6 ? 'A' : 'B' },
    }));
    const result = drawVolunteers(volunteers, { seats: 4, seed: 'concerto', balance: ['council'] });
    expect(result.lottery.filter((e) => e.drawn).map((e) => e.key)).toEqual(['c', 'b', 'h', 'g']);
    expect(result.strata.map((s) => [s.quota, s.drawn])).toEqual([
      [2.4, 2],
      [1.6, 2],
    ]);
  });
});

/** SHA-256 in hex, computed apart from SeededRandom. */
function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
