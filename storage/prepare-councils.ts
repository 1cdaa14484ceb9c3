import type { Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { importCouncils, type ImportReport } from './council-repository.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { importReferenceCouncilsIfEmpty } from './reference-councils.js';
import { parseStored } from './storage-error.js';

const markerId = 'councils_derived_codes';
const markerSchema = z.object({ _id: z.literal(markerId), value: z.literal(1), at: z.date() });
type MarkerDoc = z.infer<typeof markerSchema>;

export interface PreparedCouncils {
  /** The shipped list, when the database had no council. */
  imported: ImportReport | undefined;
  /** Derived invitation codes given to councils of an older version (which had random ones). */
  derivedCodesAdded: number;
}

/**
 * What every start does before serving: imports the shipped list of councils into an empty
 * database, and, once per database, gives the councils an older version imported (with random
 * invitation codes, still valid) their derived codes too. Costs one read by `_id` afterwards.
 */
export async function prepareCouncils(db: Db, now = new Date()): Promise<PreparedCouncils> {
  const settings = db.collection<MarkerDoc>(collectionNames.settings);
  const imported = await importReferenceCouncilsIfEmpty(db, now);
  let derivedCodesAdded = imported?.invitationCodesCreated ?? 0;
  const marker = await settings.findOne({ _id: markerId });
  if (marker !== null) {
    parseStored(markerSchema, marker, `${collectionNames.settings}/${markerId}`);
    return { imported, derivedCodesAdded };
  }
  // No rows: every council already stored gets its derived code; nothing else changes.
  if (imported === undefined)
    derivedCodesAdded = (await importCouncils(db, [], now)).invitationCodesCreated;
  await settings.insertOne({ _id: markerId, value: 1, at: now }).catch((error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error; // another process got there first
  });
  return { imported, derivedCodesAdded };
}
