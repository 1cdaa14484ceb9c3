import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { wrongTriesWindowMinutes } from './continuation-codes.js';
import { directLineRetentionDays } from './directline-repository.js';
import { defaultRetention, type RetentionOptions } from './ensure-indexes.js';

export interface PurgeReport {
  transcripts: number;
  processedInbound: number;
  /** Continuation codes past their expiry, wrong tries past their window, old web chats. */
  other: number;
}

const dayMs = 86_400_000;

/**
 * Deletes what TTL indexes would have expired. Needed where the server has no TTL indexes
 * (`ensureIndexes` reported `expiry: 'purge'`); harmless elsewhere.
 */
export async function purgeExpired(
  db: Db,
  options: RetentionOptions & { now: Date },
): Promise<PurgeReport> {
  const c = collections(db);
  const days = { ...defaultRetention, ...options };
  const cutoff = (retentionDays: number): Date =>
    new Date(options.now.getTime() - retentionDays * dayMs);
  const transcripts = await c.transcripts.deleteMany({ at: { $lt: cutoff(days.retentionDays) } });
  const inbound = await c.processedInbound.deleteMany({
    at: { $lt: cutoff(days.inboundRetentionDays) },
  });
  const now = options.now;
  const other = await Promise.all([
    db.collection('continuation_codes').deleteMany({ expiresAt: { $lte: now } }),
    db.collection('continuation_attempts').deleteMany({
      at: { $lt: new Date(now.getTime() - wrongTriesWindowMinutes * 60_000) },
    }),
    db.collection('dl_activities').deleteMany({ at: { $lt: cutoff(directLineRetentionDays) } }),
    db.collection('dl_conversations').deleteMany({
      lastActivityAt: { $lt: cutoff(directLineRetentionDays) },
    }),
  ]);
  return {
    transcripts: transcripts.deletedCount,
    processedInbound: inbound.deletedCount,
    other: other.reduce((sum, result) => sum + result.deletedCount, 0),
  };
}
