import { readFileSync } from 'node:fs';
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { importCouncils, type ImportReport } from './council-repository.js';
import { parseQpvCsv, type QpvRow } from './parse-qpv-csv.js';

/** The list shipped in the repository (storage/reference/README.md says where it comes from). */
export const referenceCouncilsFile = new URL('./reference/qpv-2024.csv', import.meta.url);

/**
 * Imports the shipped list of priority neighbourhoods when the database has no council yet,
 * so a fresh install can attach residents to councils; returns what was imported, or
 * undefined when there were councils already. Safe when two processes start at once: the
 * import is idempotent and both give every council the same derived invitation code.
 */
export async function importReferenceCouncilsIfEmpty(
  db: Db,
  now = new Date(),
): Promise<ImportReport | undefined> {
  const any = await collections(db).councils.findOne({}, { projection: { _id: 1 } });
  if (any !== null) return undefined;
  return importCouncils(db, referenceCouncils(), now);
}

/** The 1,493 rows of the shipped list; a bad shipped file is a programming error. */
export function referenceCouncils(): QpvRow[] {
  const { rows, errors } = parseQpvCsv(readFileSync(referenceCouncilsFile, 'utf8'));
  if (errors.length > 0)
    throw new Error(`the shipped council list is invalid: ${errors.slice(0, 5).join('; ')}`);
  return rows;
}
