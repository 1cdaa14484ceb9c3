import {
  MongoServerError,
  type Collection,
  type Db,
  type Document,
  type IndexSpecification,
} from 'mongodb';
import { wrongTriesWindowMinutes } from './continuation-codes.js';
import { collectionNames as n, collections } from './collections.js';
import { ensureReminderIndexes } from './reminder-repository.js';

export interface RetentionOptions {
  /** How long transcripts are kept. */
  retentionDays?: number;
}

export const defaultRetention = { retentionDays: 365 } as const;

/** Web chat copies (Direct Line conversations and activities) are kept this long. */
export const directLineRetentionDays = 90;

export interface IndexReport {
  /**
   * `native`: TTL indexes expire old documents. `purge`: the server has no TTL indexes
   * (FerretDB v1), so `purgeExpired` (run hourly by `concerto serve`) is the retention.
   */
  expiry: 'native' | 'purge';
}

const notImplemented = 238;
const indexOptionsConflict = 85;
const dayMs = 86_400_000;

/**
 * Creates every index, each named; safe to run at each start. Unique keys that FerretDB v1
 * cannot enforce on arrays (identities, invitation codes) live in their own collections keyed
 * by `_id`; a turn reads and writes by `_id` only, the other indexes serve queries on MongoDB.
 */
export async function ensureIndexes(db: Db, options: RetentionOptions = {}): Promise<IndexReport> {
  const c = collections(db);
  const { retentionDays } = { ...defaultRetention, ...options };
  if (!Number.isInteger(retentionDays) || retentionDays < 1)
    throw new RangeError(`retention must be a whole number of days >= 1, got ${retentionDays}`);
  await c.participants.createIndex(
    { consultationId: 1, councilId: 1, status: 1 },
    { name: 'consultation_council_status' },
  );
  await c.identities.createIndex({ participantId: 1 }, { name: 'participant' });
  await c.answers.createIndex(
    { participantId: 1, questionId: 1 },
    { unique: true, name: 'participant_question' },
  );
  await c.answers.createIndex({ consultationId: 1 }, { name: 'consultation' });
  await c.answers.createIndex({ updatedAt: 1 }, { name: 'updated' });
  await c.transcripts.createIndex({ participantId: 1, turn: 1 }, { name: 'participant_turns' });
  await c.invitationCodes.createIndex({ councilId: 1 }, { name: 'council' });
  await c.continuationAttempts.createIndex({ key: 1, at: 1 }, { name: 'key_at' });
  await ensureReminderIndexes(db);
  // Direct Line is read and written by `_id` only (directline-repository.ts); its indexes of
  // before 2026-12-02 cost every write and serve nothing now.
  const activities = db.collection(n.dlActivities);
  await dropIndexIfAny(activities, 'conversation_seq');
  await dropIndexIfAny(activities, 'conversation_client_id');
  const expiring = await Promise.all([
    expireAfter(db, c.transcripts, 'at', 'at_ttl', retentionDays * dayMs),
    expireAfter(db, c.continuationCodes, 'expiresAt', 'expires_ttl', 0),
    expireAfter(db, c.continuationAttempts, 'at', 'at_ttl', wrongTriesWindowMinutes * 60_000),
    // Activities carry their own expiry (short before consent); `at_ttl` covers older ones.
    expireAfter(db, activities, 'expiresAt', 'expires_ttl', 0),
    expireAfter(db, activities, 'at', 'at_ttl', directLineRetentionDays * dayMs),
    expireAfter(db, db.collection(n.dlClientIds), 'expiresAt', 'expires_ttl', 0),
    expireAfter(
      db,
      db.collection(n.dlConversations),
      'lastActivityAt',
      'last_ttl',
      directLineRetentionDays * dayMs,
    ),
    expireAfter(db, db.collection(n.dlConversations), 'expiresAt', 'expires_ttl', 0),
    expireAfter(db, c.telegramSent, 'expiresAt', 'expires_ttl', 0),
  ]);
  return { expiry: expiring.every(Boolean) ? 'native' : 'purge' };
}

/** Drops an index of an earlier release; nothing when it is not there. */
async function dropIndexIfAny<T extends Document>(collection: Collection<T>, name: string) {
  const existing = await collection.indexes().catch(() => []);
  if (existing.some((index) => index.name === name)) await collection.dropIndex(name);
}

/**
 * A TTL index on `field`; returns false when the server cannot expire documents itself
 * (then a plain index on the field serves the purge).
 */
async function expireAfter<T extends Document>(
  db: Db,
  collection: Collection<T>,
  field: string,
  name: string,
  afterMs: number,
): Promise<boolean> {
  const key: IndexSpecification = { [field]: 1 };
  const expireAfterSeconds = Math.round(afterMs / 1000);
  try {
    await collection.createIndex(key, { name, expireAfterSeconds });
    return true;
  } catch (error) {
    if (!(error instanceof MongoServerError)) throw error;
    if (error.code === indexOptionsConflict) {
      // The retention changed since the index was created: adjust it in place.
      await db.command({ collMod: collection.collectionName, index: { name, expireAfterSeconds } });
      return true;
    }
    if (error.code !== notImplemented) throw error;
  }
  await collection.createIndex(key, { name });
  return false;
}
