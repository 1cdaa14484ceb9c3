import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { migrateDirectLine } from './migrate-directline.js';
import { migrateOldStore, type MigrationContext } from './migrate-old-store.js';

/** Data migrations in the order they run; an id, once released, never changes. */
const migrations = [
  { id: '2026-12-01-participant-documents', run: migrateOldStore },
  { id: '2026-12-02-directline-by-id', run: migrateDirectLine },
] as const;

/** A claim older than this is taken over: its process died during the migration. */
const staleMs = 10 * 60_000;
const pollMs = 500;

/**
 * Runs each migration once per database, at start, before anything is served. A migration is
 * claimed by inserting its record in `migrations` (the unique `_id` decides between two
 * processes starting at once); the others wait until it is marked finished.
 */
export async function runMigrations(
  db: Db,
  context: MigrationContext,
  now: () => Date = () => new Date(),
): Promise<void> {
  const records = collections(db).migrations;
  const owner = randomUUID();
  for (const migration of migrations) {
    for (;;) {
      const record = await records.findOne({ _id: migration.id });
      if (record?.finishedAt !== undefined) break;
      if (await claim(db, migration.id, owner, record?.owner, now())) {
        const report = await migration.run(db, context);
        await records.updateOne(
          { _id: migration.id, owner },
          { $set: { finishedAt: now(), report } },
        );
        break;
      }
      await sleep(pollMs);
    }
  }
}

/** Takes the migration: first claim, or a stale one of a process that died. */
async function claim(
  db: Db,
  id: string,
  owner: string,
  previous: string | undefined,
  at: Date,
): Promise<boolean> {
  const records = collections(db).migrations;
  if (previous === undefined) {
    try {
      await records.insertOne({ _id: id, owner, startedAt: at });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
  const taken = await records.updateOne(
    { _id: id, owner: previous, startedAt: { $lt: new Date(at.getTime() - staleMs) } },
    { $set: { owner, startedAt: at } },
  );
  return taken.modifiedCount === 1;
}
