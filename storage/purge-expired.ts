import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { defaultRetention, type RetentionOptions } from './ensure-indexes.js';

export interface PurgeReport {
  transcripts: number;
  processedInbound: number;
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
  return { transcripts: transcripts.deletedCount, processedInbound: inbound.deletedCount };
}
