import {
  MongoServerError,
  type Collection,
  type Db,
  type Document,
  type IndexSpecification,
} from 'mongodb';
import { collections } from './collections.js';

export interface RetentionOptions {
  /** How long transcripts are kept. */
  retentionDays?: number;
  /** How long processed inbound ids are remembered (covers channel redeliveries). */
  inboundRetentionDays?: number;
}

export const defaultRetention = { retentionDays: 365, inboundRetentionDays: 7 } as const;

export interface IndexReport {
  /**
   * `native`: TTL indexes expire old documents. `purge`: the server has no TTL indexes
   * (FerretDB v1), so the caller must run `purgeExpired` periodically.
   */
  expiry: 'native' | 'purge';
}

const ttlIndexName = 'at_ttl';
const notImplemented = 238;
const indexOptionsConflict = 85;

/**
 * Creates every index; safe to run at each start. Unique keys that FerretDB v1 cannot enforce
 * on arrays (identities, invitation codes) live in their own collections keyed by `_id`.
 * FerretDB v1 answers queries from an index only for a plain `_id` equality, which is why
 * the conversation path reads nothing else; the other indexes serve MongoDB.
 */
export async function ensureIndexes(db: Db, options: RetentionOptions = {}): Promise<IndexReport> {
  const c = collections(db);
  const days = { ...defaultRetention, ...options };
  await c.sessions.createIndex({ participantId: 1, version: -1 }, { name: 'participant_version' });
  await c.answers.createIndex(
    { participantId: 1, questionId: 1 },
    { unique: true, name: 'participant_question' },
  );
  await c.answers.createIndex(
    { consultationId: 1, councilId: 1 },
    { name: 'consultation_council' },
  );
  await c.identities.createIndex({ participantId: 1 }, { name: 'participant' });
  await c.participants.createIndex(
    { consultationId: 1, councilId: 1, status: 1 },
    { name: 'consultation_council_status' },
  );
  // Transcripts were one document per line until 2026-11-25 (index participant_turn).
  await c.transcripts.dropIndex('participant_turn').catch(() => undefined);
  await c.transcripts.createIndex({ participantId: 1, turn: 1 }, { name: 'participant_turns' });
  await c.invitationCodes.createIndex({ councilId: 1 }, { name: 'council' });
  const transcripts = await ensureExpiry(db, c.transcripts, days.retentionDays);
  const inbound = await ensureExpiry(db, c.processedInbound, days.inboundRetentionDays);
  return { expiry: transcripts && inbound ? 'native' : 'purge' };
}

/** A TTL index on `at`; returns false when the server cannot expire documents itself. */
async function ensureExpiry<T extends Document>(
  db: Db,
  collection: Collection<T>,
  days: number,
): Promise<boolean> {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`retention must be a whole number of days >= 1, got ${days}`);
  const key: IndexSpecification = { at: 1 };
  const expireAfterSeconds = days * 86_400;
  try {
    await collection.createIndex(key, { name: ttlIndexName, expireAfterSeconds });
    return true;
  } catch (error) {
    if (!(error instanceof MongoServerError)) throw error;
    if (error.code === indexOptionsConflict) {
      // The retention changed since the index was created: adjust it in place.
      await db.command({
        collMod: collection.collectionName,
        index: { name: ttlIndexName, expireAfterSeconds },
      });
      return true;
    }
    if (error.code !== notImplemented) throw error;
  }
  await collection.createIndex(key, { name: ttlIndexName });
  return false;
}
