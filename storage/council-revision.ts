import type { Db } from 'mongodb';
import { collectionNames } from './collections.js';
import { councilRevisionDocSchema, type CouncilRevisionDoc } from './council-documents.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { parseStored } from './storage-error.js';

const revisionId = 'councils_revision';

/** The councils' revision: 0 before the first import, then one more per import or new code. */
export async function readCouncilRevision(db: Db): Promise<number> {
  const raw = await revisions(db).findOne({ _id: revisionId });
  if (raw === null) return 0;
  return parseStored(councilRevisionDocSchema, raw, `${collectionNames.settings}/${revisionId}`)
    .value;
}

/** Tells running servers that the councils changed (they reload them within a few seconds). */
export async function bumpCouncilRevision(db: Db, now = new Date()): Promise<void> {
  const bump = () =>
    revisions(db).updateOne(
      { _id: revisionId },
      { $inc: { value: 1 }, $set: { updatedAt: now } },
      { upsert: true },
    );
  // Two first upserts at once: one inserts, the other gets a duplicate key and increments.
  await bump().catch((error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error;
    return bump();
  });
}

function revisions(db: Db) {
  return db.collection<CouncilRevisionDoc>(collectionNames.settings, { ignoreUndefined: true });
}
