import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames, collections } from './collections.js';
import type { ParticipantRepository } from './storage.js';

/** A council coordinator: who they are, which councils they follow, their Telegram account once linked. */
export const coordinatorDocSchema = z.object({
  _id: z.string(),
  name: z.string().min(1),
  councilIds: z.array(z.string()).min(1),
  /** SHA-256 of the one-time link code; removed once used, so a code works once. */
  linkCodeHash: z.string().optional(),
  telegramUserId: z.number().int().optional(),
  createdAt: z.date(),
  linkedAt: z.date().optional(),
});

export type CoordinatorDoc = z.infer<typeof coordinatorDocSchema>;

/** No 0/O, 1/I/L: codes are read out and typed by hand. */
const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const codeLength = 12;

/**
 * A coordinator credential and its one-time link code, to send them privately; they type
 * `/coordinator CODE` to the bot. Only the code's hash is stored.
 *
 * @example const { code } = await createCoordinatorLink(db, { name: 'Nadia', councilIds: ['QN05981M'] })
 */
export async function createCoordinatorLink(
  db: Db,
  input: { name: string; councilIds: string[] },
  at = new Date(),
): Promise<{ coordinatorId: string; code: string }> {
  const code = randomCode();
  const doc = coordinatorDocSchema.parse({
    _id: randomUUID(),
    name: input.name.trim(),
    councilIds: [...new Set(input.councilIds)],
    linkCodeHash: hashCode(code),
    createdAt: at,
  });
  await coordinators(db).insertOne(doc);
  return { coordinatorId: doc._id, code };
}

/** Links a Telegram account with a code; a used, unknown or mistyped code gives null. */
export async function linkCoordinator(
  db: Db,
  code: string,
  telegramUserId: number,
  at = new Date(),
): Promise<CoordinatorDoc | null> {
  const normalized = code.trim().toUpperCase();
  if (normalized.length < 10) return null;
  const updated = await coordinators(db).findOneAndUpdate(
    { linkCodeHash: hashCode(normalized) },
    { $set: { telegramUserId, linkedAt: at }, $unset: { linkCodeHash: '' } },
    { returnDocument: 'after' },
  );
  return updated ? coordinatorDocSchema.parse(updated) : null;
}

/** The coordinator this Telegram account speaks for; several links merge their councils. */
export async function findCoordinatorByTelegramId(
  db: Db,
  telegramUserId: number,
): Promise<CoordinatorDoc | null> {
  const docs = await coordinators(db).find({ telegramUserId }).sort({ linkedAt: 1 }).toArray();
  const parsed = docs.map((d) => coordinatorDocSchema.parse(d));
  const [first] = parsed;
  if (!first) return null;
  return { ...first, councilIds: [...new Set(parsed.flatMap((d) => d.councilIds))] };
}

export interface CouncilFigures {
  councilId: string;
  /** Everyone who joined the consultation for this council. */
  invited: number;
  /** Begun, not finished. */
  started: number;
  finished: number;
  unreachable: number;
  /** Theme id → how many completed it. */
  themesCompleted: Record<string, number>;
}

/** Participation figures for these councils only, one entry per council, in the order given. */
export async function councilFigures(
  participants: ParticipantRepository,
  councilIds: readonly string[],
): Promise<CouncilFigures[]> {
  const figures = new Map(councilIds.map((id) => [id, emptyFigures(id)]));
  // Everyone who consented; each document carries its status and progress.
  for await (const p of participants.list({ councilIds, statuses: consented })) {
    const entry = p.councilId === undefined ? undefined : figures.get(p.councilId);
    if (!entry) continue;
    entry.invited += 1;
    if (p.status === 'completed') entry.finished += 1;
    else entry.started += 1;
    if (p.unreachable) entry.unreachable += 1;
    for (const themeId of p.progress.themesCompleted)
      entry.themesCompleted[themeId] = (entry.themesCompleted[themeId] ?? 0) + 1;
  }
  return [...figures.values()];
}

const consented = ['not_started', 'in_progress', 'completed'] as const;

function coordinators(db: Db) {
  return db.collection<CoordinatorDoc>(collectionNames.coordinators, {
    ignoreUndefined: true,
  });
}

function emptyFigures(councilId: string): CouncilFigures {
  return { councilId, invited: 0, started: 0, finished: 0, unreachable: 0, themesCompleted: {} };
}

function randomCode(): string {
  const bytes = randomBytes(codeLength);
  return [...bytes].map((b) => codeAlphabet[b % codeAlphabet.length]).join('');
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** Names of these councils, for the coordinator's figures (unknown ids are left out). */
export async function councilNames(
  db: Db,
  councilIds: readonly string[],
): Promise<Map<string, { name: string; commune: string }>> {
  const docs = await collections(db)
    .councils.find({ _id: { $in: [...councilIds] } }, { projection: { name: 1, commune: 1 } })
    .toArray();
  return new Map(docs.map((d) => [d._id, { name: d.name, commune: d.commune }]));
}

/** A coordinator by id, or null. */
export async function findCoordinatorById(
  db: Db,
  coordinatorId: string,
): Promise<CoordinatorDoc | null> {
  const raw = await coordinators(db).findOne({ _id: String(coordinatorId) });
  return raw === null ? null : coordinatorDocSchema.parse(raw);
}
