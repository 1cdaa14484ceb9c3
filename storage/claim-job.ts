import type { Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { isDuplicateKeyError } from './duplicate-key.js';

/** One scheduled job: when it last ran and which process ran it. */
export const jobDocSchema = z.object({ _id: z.string(), ranAt: z.date(), by: z.string() });
export type JobDoc = z.infer<typeof jobDocSchema>;

/**
 * Takes the run of job `name` that is due now, for `by` (a process id): true for the one process
 * that gets it, false for every other one until `intervalMs` has passed (10 % early, so that
 * processes whose timers drift still run it once an interval). The conditional update on the
 * job's `_id` decides (FerretDB serialises it; MongoDB applies it atomically); the first run
 * ever is decided by the unique `_id` of its insert.
 *
 * @example if (await claimJob(db, 'purge', 3_600_000, processId)) await purgeExpired(db, …);
 */
export async function claimJob(
  db: Db,
  name: string,
  intervalMs: number,
  by: string,
  now = new Date(),
): Promise<boolean> {
  const jobs = db.collection<JobDoc>(collectionNames.jobs);
  const dueBefore = new Date(now.getTime() - intervalMs * 0.9);
  const doc = jobDocSchema.parse({ _id: name, ranAt: now, by });
  const taken = await jobs.updateOne(
    { _id: name, ranAt: { $lte: dueBefore } },
    { $set: { ranAt: doc.ranAt, by: doc.by } },
  );
  if (taken.modifiedCount === 1) return true;
  if (taken.matchedCount === 1) return false;
  try {
    await jobs.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
