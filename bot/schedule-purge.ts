import { purgeExpired } from '../storage/purge-expired.js';
import type { Runtime } from './start-runtime.js';

const hourMs = 3_600_000;

/**
 * Deletes expired transcripts, processed ids, codes and old web chats every hour (and once at
 * start). MongoDB's TTL indexes do it too; FerretDB v1 has none, so this is the retention there.
 * Several processes may run it at once: deleting twice is harmless.
 */
export function schedulePurge(runtime: Runtime, intervalMs = hourMs): () => void {
  const run = () =>
    purgeExpired(runtime.db, {
      retentionDays: runtime.config.TRANSCRIPT_RETENTION_DAYS,
      now: new Date(),
      workshop: {
        consultationId: runtime.consultation.id,
        deleteAfter: runtime.consultation.workshop?.deleteAfter,
      },
    })
      .then((report) => runtime.log.info(report, 'expired data purged'))
      .catch((error: unknown) => runtime.log.warn({ err: error }, 'purge failed; will retry'));
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
