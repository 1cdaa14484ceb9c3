import { randomUUID } from 'node:crypto';
import { claimJob } from '../storage/claim-job.js';
import { purgeExpired } from '../storage/purge-expired.js';
import type { Runtime } from './start-runtime.js';

const hourMs = 3_600_000;

/**
 * Deletes expired transcripts, processed ids, codes and old web chats every hour (and at
 * start). MongoDB's TTL indexes do it too; FerretDB v1 has none, so this is the retention there.
 * However many processes serve, one of them runs each hour's purge: the run is claimed in the
 * `jobs` collection first.
 */
export function schedulePurge(runtime: Runtime, intervalMs = hourMs): () => void {
  const processId = randomUUID();
  const run = async () => {
    if (!(await claimJob(runtime.db, 'purge', intervalMs, processId))) return;
    const report = await purgeExpired(runtime.db, {
      retentionDays: runtime.config.TRANSCRIPT_RETENTION_DAYS,
      now: new Date(),
      workshop: {
        consultationId: runtime.consultation.id,
        deleteAfter: runtime.consultation.workshop?.deleteAfter,
      },
    });
    runtime.log.info({ ...report, job: 'purge' }, 'expired data purged');
  };
  const attempt = () =>
    run().catch((error: unknown) =>
      runtime.log.warn({ err: error }, 'purge failed; the next run tries again'),
    );
  void attempt();
  const timer = setInterval(() => void attempt(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
