import type { Db } from 'mongodb';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import { maskContact } from '../../dialogs/workshop-contact.js';
import { pseudonymSecret } from '../../storage/pseudonym-secret.js';
import type { Storage } from '../../storage/storage.js';
import { saveDraw } from '../../storage/workshop-draws.js';
import { drawVolunteers, type DrawResult, type Volunteer } from './draw-volunteers.js';
import {
  criterionValue,
  listVolunteers,
  routeOf,
  type VolunteerRecord,
} from './list-volunteers.js';

export interface WorkshopDrawOptions {
  seats: number;
  seed: string;
  /** Criteria asked for (`council`, `role`, `gender`…), most important first. */
  balance: readonly string[];
  /** Draw also among volunteers with no way to reach them (web, no contact left). */
  includeUnreachable?: boolean | undefined;
  /** Record this draw even if the same seed gave another list before. */
  replace?: boolean | undefined;
  /** The export pseudonyms' key (PSEUDONYM_SECRET, else the database's). */
  secret?: string | undefined;
  now?: Date | undefined;
  /** Who runs it (an admin's name, « command line »): recorded with the draw. */
  by?: string | undefined;
}

export interface WorkshopDraw {
  result: DrawResult;
  /** The pool drawn from, as published: pseudonym and criteria values. */
  pool: Volunteer[];
  /** Criteria asked for but not balanced, and why. */
  skipped: { criterion: string; reason: 'not_asked' }[];
  /** Volunteers left out because nothing could reach them. */
  unreachableLeftOut: number;
  /** `different`: this seed was drawn before with another result, kept (see `replace`). */
  saved: 'saved' | 'unchanged' | 'different';
  /** The volunteers of the pool, in the order of the lottery. */
  rows: DrawRow[];
}

export interface DrawRow {
  key: string;
  drawn: boolean;
  stratum: number;
  rank: number;
  councilId: string | null;
  profile: Record<string, string | null>;
  lang: string;
  route: ReturnType<typeof routeOf>;
  /** The contact left on the web, masked unless asked otherwise; null on Telegram. */
  contact: string | null;
  participantId: string;
}

/**
 * Draws the workshop's participants among the volunteers (bot/workshop/draw-volunteers.ts)
 * and records the draw, for the command line and an admin route alike.
 *
 * @example const draw = await drawWorkshop(runtime, { seats: 100, seed: 'loto 7 12 23', balance: ['council', 'role'] })
 */
export async function drawWorkshop(
  source: { db: Db; storage: Storage; consultation: Consultation },
  options: WorkshopDrawOptions,
): Promise<WorkshopDraw> {
  const { consultation } = source;
  const { criteria, skipped } = resolveBalance(consultation, options.balance);
  const secret = options.secret ?? (await pseudonymSecret(source.db));
  const everyone = await listVolunteers(source, { secret });
  const reachable = everyone.filter((v) => options.includeUnreachable || routeOf(v) !== 'none');
  const pool = reachable.map((v) => ({
    key: v.key,
    strata: Object.fromEntries(criteria.map((c) => [c, criterionValue(v, c)])),
  }));
  const result = drawVolunteers(pool, {
    seats: options.seats,
    seed: options.seed,
    balance: criteria,
  });
  const byKey = new Map(reachable.map((v) => [v.key, v]));
  const rows = result.lottery.flatMap((entry): DrawRow[] => {
    const v = byKey.get(entry.key);
    if (v === undefined) return [];
    return [
      {
        key: v.key,
        drawn: entry.drawn,
        stratum: entry.stratum,
        rank: entry.rank,
        councilId: v.councilId,
        // Gender only when it is balanced: the list shows what the draw used, nothing more.
        profile: criteria.includes('gender')
          ? { ...v.profile, gender: criterionValue(v, 'gender') }
          : v.profile,
        lang: v.lang,
        route: routeOf(v),
        contact: maskedContact(v),
        participantId: v.participantId,
      },
    ];
  });
  const saved = await saveDraw(
    source.db,
    {
      consultationId: consultation.id,
      seed: options.seed,
      seats: options.seats,
      balance: criteria,
      volunteers: pool.length,
      ...(options.includeUnreachable ? { includeUnreachable: true } : {}),
      ...(options.by === undefined ? {} : { by: options.by }),
      at: options.now ?? new Date(),
      drawn: rows
        .filter((r) => r.drawn)
        .map((r) => ({
          participantId: r.participantId,
          key: r.key,
          stratum: r.stratum,
          rank: r.rank,
        })),
    },
    { replace: options.replace === true },
  );
  return {
    result,
    pool: pool.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    skipped,
    unreachableLeftOut: everyone.length - reachable.length,
    saved,
    rows,
  };
}

/** The contacts of the drawn, in full: for the admin who writes to them (to be audited). */
export function fullContact(volunteer: Pick<VolunteerRecord, 'contact'>): string | null {
  const contact = volunteer.contact;
  if (!contact) return null;
  const parts = [contact.email, contact.phone].filter((part) => part !== undefined);
  return parts.length === 0 ? null : parts.join(', ');
}

/** The contact shown on the page and in the lists: masked; null when they left none (a gender only). */
export function maskedContact(volunteer: Pick<VolunteerRecord, 'contact'>): string | null {
  const { email, phone } = volunteer.contact ?? {};
  if (email === undefined && phone === undefined) return null;
  return maskContact({
    ...(email === undefined ? {} : { email }),
    ...(phone === undefined ? {} : { phone }),
  });
}

/** Words people use for a criterion no question asks. */
const notAsked = new Set(['age', 'âge']);

/** Other words for `gender`. */
const genderWords = new Set(['gender', 'genre', 'sexe', 'sex']);

export class UnknownCriterionError extends Error {}

/**
 * The criteria that can be balanced: `council`, `gender` (asked of the volunteers unless the
 * consultation says `workshop.askGender: false`; « genre », « sexe » mean it too), and any
 * single-choice profile question (today `role`). A criterion nothing asks (age, or gender
 * when not asked) is skipped and said so.
 */
export function resolveBalance(
  consultation: Consultation,
  requested: readonly string[],
): { criteria: string[]; skipped: WorkshopDraw['skipped'] } {
  const known = balanceCriteria(consultation);
  const criteria: string[] = [];
  const skipped: WorkshopDraw['skipped'] = [];
  for (const asked of requested) {
    const criterion = genderWords.has(asked) ? 'gender' : asked;
    if (known.includes(criterion)) {
      if (!criteria.includes(criterion)) criteria.push(criterion);
    } else if (notAsked.has(criterion) || criterion === 'gender')
      skipped.push({ criterion, reason: 'not_asked' });
    else
      throw new UnknownCriterionError(
        `--balance ${criterion}: not a criterion; known ones: ${known.join(', ')}`,
      );
  }
  return { criteria, skipped };
}

/** What a draw can balance in this consultation, in the order the forms show them. */
export function balanceCriteria(consultation: Consultation): string[] {
  const gender = consultation.workshop && consultation.workshop.askGender !== false;
  return [
    'council',
    ...consultation.profile.filter((q) => q.type === 'single').map((q) => q.id),
    ...(gender ? ['gender'] : []),
  ];
}
