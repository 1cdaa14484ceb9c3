import { compare } from '../synthesis/cluster-proposals.js';
import { SeededRandom } from './seeded-random.js';

/** A volunteer as the draw sees them: a pseudonym and their value for each criterion. */
export interface Volunteer {
  /** Unique; the published list shows it (the workshop pseudonym, not the exports'). */
  key: string;
  /** e.g. `{ council: 'QN05981M', role: 'tire' }`; null: not known. */
  strata: Readonly<Record<string, string | null>>;
}

export interface DrawOptions {
  seats: number;
  /** Published before the draw; the same seed on the same volunteers gives the same list. */
  seed: string;
  /** Criteria to balance, most important first (`council`, `role`…). */
  balance: readonly string[];
}

export interface Stratum {
  /** Its value for each criterion, in the order of `balance`. */
  values: (string | null)[];
  volunteers: number;
  /** Its exact share of the seats: seats × volunteers / all volunteers. */
  quota: number;
  drawn: number;
}

export interface DrawResult {
  algorithm: typeof drawAlgorithm;
  seed: string;
  seats: number;
  balance: string[];
  volunteers: number;
  strata: Stratum[];
  /** Per criterion, drawn against quota (the first criterion's are within one seat). */
  totals: Record<
    string,
    { value: string | null; volunteers: number; quota: number; drawn: number }[]
  >;
  /**
   * Every volunteer with their place in their stratum's lottery (1 = first drawn); `drawn`
   * for those within its seats. The next ones of a stratum are its reserve list.
   */
  lottery: { key: string; stratum: number; rank: number; drawn: boolean }[];
}

export const drawAlgorithm = 'concerto-draw-v1';

/**
 * Draws `seats` volunteers, reproducibly and balanced (stratified sampling with proportional
 * quotas), so that anyone with the published list of volunteers and the seed can check it:
 *
 * 1. Volunteers are put in order of their key; the generator is `SeededRandom(seed)`.
 * 2. Strata are the combinations of the criteria's values, in order of those values
 *    (first criterion first; unknown last). A stratum's quota is seats × its volunteers ÷
 *    all volunteers: it gets the whole part of its quota, and the seats left over go by
 *    systematic sampling on the remainders — with N volunteers, remainder_s = seats ×
 *    volunteers_s mod N laid end to end in stratum order, a start U = below(N), and one more
 *    seat to each stratum holding one of the points U, U + N, U + 2N… So every stratum gets
 *    its quota rounded down or up (within one seat), each stratum's expected share is its
 *    quota exactly, and — strata of the first criterion lying side by side — so are that
 *    criterion's totals. Later criteria are balanced on average, not to one seat.
 * 3. Within each stratum, in stratum order, its volunteers are shuffled (Fisher–Yates) and the
 *    first ones get its seats.
 *
 * Everything is integer arithmetic: any language gives the same draw.
 *
 * @example drawVolunteers(volunteers, { seats: 100, seed: 'loto 2017-12-06', balance: ['council', 'role'] })
 */
export function drawVolunteers(volunteers: readonly Volunteer[], options: DrawOptions): DrawResult {
  const { seed, balance } = options;
  if (!Number.isInteger(options.seats) || options.seats < 0)
    throw new RangeError(`seats must be a whole number from 0, got ${options.seats}`);
  const sorted = [...volunteers].sort((a, b) => compare(a.key, b.key));
  sorted.forEach((volunteer, i) => {
    if (i > 0 && sorted[i - 1]?.key === volunteer.key)
      throw new Error(`drawVolunteers: the key "${volunteer.key}" appears twice`);
  });
  const n = sorted.length;
  const seats = Math.min(options.seats, n);
  const random = new SeededRandom(seed);
  const groups = stratify(sorted, balance);
  const parts = groups.map((g) => ({
    base: n > 0 ? Math.floor((seats * g.members.length) / n) : 0,
    remainder: n > 0 ? (seats * g.members.length) % n : 0,
  }));
  const extra = seats - parts.reduce((sum, p) => sum + p.base, 0);
  const start = n > 0 ? random.below(n) : 0;
  let cumulative = 0;
  const allotted = parts.map(({ base, remainder }) => {
    const from = cumulative;
    cumulative += remainder;
    // Points start + k·n (0 ≤ k < extra) inside [from, cumulative): at most one, as a remainder is below n.
    const k = Math.ceil((from - start) / n);
    const hit = k >= 0 && k < extra && start + k * n < cumulative;
    return base + (hit ? 1 : 0);
  });
  const lottery: DrawResult['lottery'] = [];
  const strata: Stratum[] = groups.map((group, s) => {
    const drawn = allotted[s] ?? 0;
    random.shuffle(group.members).forEach((member, i) => {
      lottery.push({ key: member.key, stratum: s, rank: i + 1, drawn: i < drawn });
    });
    return {
      values: group.values,
      volunteers: group.members.length,
      quota: n > 0 ? (seats * group.members.length) / n : 0,
      drawn,
    };
  });
  return {
    algorithm: drawAlgorithm,
    seed,
    seats: options.seats,
    balance: [...balance],
    volunteers: n,
    strata,
    totals: Object.fromEntries(balance.map((criterion, c) => [criterion, totalsOf(strata, c)])),
    lottery,
  };
}

interface Group {
  values: (string | null)[];
  members: Volunteer[];
}

function stratify(sorted: readonly Volunteer[], balance: readonly string[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const volunteer of sorted) {
    const values = balance.map((criterion) => volunteer.strata[criterion] ?? null);
    const id = JSON.stringify(values);
    const group = byKey.get(id) ?? { values, members: [] };
    group.members.push(volunteer);
    byKey.set(id, group);
  }
  return [...byKey.values()].sort((a, b) => compareValues(a.values, b.values));
}

/** Value by value; a missing value (null) after every known one. */
function compareValues(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return compare(x, y);
  }
  return 0;
}

function totalsOf(strata: readonly Stratum[], criterion: number): DrawResult['totals'][string] {
  const totals = new Map<
    string | null,
    { value: string | null; volunteers: number; quota: number; drawn: number }
  >();
  for (const stratum of strata) {
    const value = stratum.values[criterion] ?? null;
    const total = totals.get(value) ?? { value, volunteers: 0, quota: 0, drawn: 0 };
    total.volunteers += stratum.volunteers;
    total.quota += stratum.quota;
    total.drawn += stratum.drawn;
    totals.set(value, total);
  }
  return [...totals.values()]
    .map((t) => ({ ...t, quota: Math.round(t.quota * 1e6) / 1e6 }))
    .sort((a, b) => compareValues([a.value], [b.value]));
}
