import type { Db } from 'mongodb';
import { collectionNames as n, collections } from './collections.js';
import { wrongTriesWindowMinutes } from './continuation-codes.js';
import { forgetWorkshopContacts } from './workshop-contacts.js';
import {
  defaultRetention,
  directLineRetentionDays,
  type RetentionOptions,
} from './ensure-indexes.js';

export interface PurgeReport {
  transcripts: number;
  /** Contacts left for the workshop, deleted once its `deleteAfter` date has come. */
  workshopContacts: number;
  /**
   * Continuation codes past their expiry, wrong tries past their window, old web chats,
   * records of sent Telegram messages past theirs.
   */
  other: number;
  /** Answers and transcripts of erased participants, written late by a turn that raced the erasure. */
  orphans: number;
}

const dayMs = 86_400_000;
/** Erasures race turns by seconds: looking at what was written in the last two hours is plenty. */
const orphanWindowMs = 2 * 3_600_000;

/**
 * Deletes what TTL indexes would have expired (needed where the server has none, FerretDB v1;
 * harmless elsewhere), and what a turn of another process wrote for a participant erased
 * meanwhile. The one place of every application-side expiry; `concerto serve` runs it hourly.
 */
export async function purgeExpired(
  db: Db,
  options: RetentionOptions & {
    now: Date;
    /** The consultation's workshop contacts go from `deleteAfter` on. */
    workshop?: { consultationId: string; deleteAfter?: string | undefined } | undefined;
  },
): Promise<PurgeReport> {
  const c = collections(db);
  const { retentionDays } = { ...defaultRetention, ...options };
  const now = options.now.getTime();
  const before = (ms: number) => new Date(now - ms);
  const transcripts = await c.transcripts.deleteMany({
    at: { $lt: before(retentionDays * dayMs) },
  });
  const other = await Promise.all([
    c.continuationCodes.deleteMany({ expiresAt: { $lte: options.now } }),
    c.continuationAttempts.deleteMany({ at: { $lt: before(wrongTriesWindowMinutes * 60_000) } }),
    db.collection(n.dlActivities).deleteMany({
      $or: [
        { expiresAt: { $lte: options.now } },
        { at: { $lt: before(directLineRetentionDays * dayMs) } },
      ],
    }),
    db.collection(n.dlClientIds).deleteMany({ expiresAt: { $lte: options.now } }),
    c.telegramSent.deleteMany({ expiresAt: { $lte: options.now } }),
    db.collection(n.dlConversations).deleteMany({
      $or: [
        { expiresAt: { $lte: options.now } },
        { lastActivityAt: { $lt: before(directLineRetentionDays * dayMs) } },
      ],
    }),
  ]);
  const { workshop } = options;
  const workshopOver =
    workshop?.deleteAfter !== undefined && now >= Date.parse(workshop.deleteAfter);
  return {
    transcripts: transcripts.deletedCount,
    workshopContacts: workshopOver ? await forgetWorkshopContacts(db, workshop.consultationId) : 0,
    other: other.reduce((sum, result) => sum + result.deletedCount, 0),
    orphans: await purgeOrphans(db, before(orphanWindowMs)),
  };
}

/** Answers, transcripts and workshop contacts written since `since` whose participant no longer exists. */
async function purgeOrphans(db: Db, since: Date): Promise<number> {
  const c = collections(db);
  const contacts = db.collection(n.workshopContacts);
  const [answered, said, left] = await Promise.all([
    c.answers.distinct('participantId', { updatedAt: { $gte: since } }),
    c.transcripts.distinct('participantId', { at: { $gte: since } }),
    contacts.distinct('participantId', { at: { $gte: since } }),
  ]);
  const written = [...new Set([...answered, ...said, ...left.map(String)])];
  if (written.length === 0) return 0;
  const living = new Set<string>();
  for (let first = 0; first < written.length; first += 500) {
    const ids = written.slice(first, first + 500);
    const found = await c.participants
      .find({ _id: { $in: ids } }, { projection: { _id: 1 } })
      .toArray();
    for (const doc of found) living.add(doc._id);
  }
  const gone = written.filter((id) => !living.has(id));
  if (gone.length === 0) return 0;
  const [answers, transcripts, orphanContacts] = await Promise.all([
    c.answers.deleteMany({ participantId: { $in: gone } }),
    c.transcripts.deleteMany({ participantId: { $in: gone } }),
    contacts.deleteMany({ participantId: { $in: gone } }),
  ]);
  return answers.deletedCount + transcripts.deletedCount + orphanContacts.deletedCount;
}
