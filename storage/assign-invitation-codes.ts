import { MongoBulkWriteError } from 'mongodb';
import type { Collections } from './collections.js';
import { invitationCodeDocSchema, type InvitationCodeDoc } from './council-documents.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { derivedInvitationCode, maxDerivationAttempts } from './invitation-code.js';
import { checkForWrite, parseStored } from './storage-error.js';

/**
 * Gives each of these councils its derived invitation code (the same on every install, see
 * `derivedInvitationCode`) unless it has it already, and returns every council's codes.
 * Codes a council had before (random ones printed on posters) are kept.
 *
 * When a council's first candidate belongs to another council, it takes its next candidate;
 * councils are served in the order of their QPV codes, so the same list gives the same codes.
 * The `invitation_codes` collection is the source of truth: its `_id` keeps a code unique
 * (FerretDB v1 does not enforce unique indexes on array fields).
 */
export async function assignInvitationCodes(
  c: Collections,
  councilIds: readonly string[],
  now: Date,
): Promise<{ codes: Map<string, string[]>; created: number }> {
  const ordered = [...new Set(councilIds)].sort();
  let created = 0;
  for (let round = 0; round < 5; round += 1) {
    const codes = await codesByCouncil(c);
    const owners = new Map([...codes].flatMap(([id, list]) => list.map((code) => [code, id])));
    const docs: InvitationCodeDoc[] = [];
    for (const councilId of ordered) {
      const code = derivedCodeOf(councilId, owners);
      if (owners.get(code) === councilId) continue;
      owners.set(code, councilId);
      const doc = { _id: code, councilId, createdAt: now };
      docs.push(checkForWrite(invitationCodeDocSchema, doc, `invitation_codes/${code}`));
    }
    if (docs.length === 0) return { codes, created };
    // A code taken meanwhile (a concurrent import) fails alone; the next round sorts it out.
    created += await c.invitationCodes.insertMany(docs, { ordered: false }).then(
      (result) => result.insertedCount,
      (error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
        return error instanceof MongoBulkWriteError ? error.insertedCount : 0;
      },
    );
  }
  throw new Error('could not give every council an invitation code in 5 rounds');
}

/** Council id → its invitation codes, sorted. */
export async function codesByCouncil(c: Collections): Promise<Map<string, string[]>> {
  const byCouncil = new Map<string, string[]>();
  for await (const raw of c.invitationCodes.find().sort({ _id: 1 })) {
    const doc = parseStored(invitationCodeDocSchema, raw, `invitation_codes/${raw._id}`);
    byCouncil.set(doc.councilId, [...(byCouncil.get(doc.councilId) ?? []), doc._id]);
  }
  return byCouncil;
}

/** The first derived candidate that is this council's already or nobody's. */
function derivedCodeOf(councilId: string, owners: ReadonlyMap<string, string>): string {
  for (let attempt = 0; attempt < maxDerivationAttempts; attempt += 1) {
    const code = derivedInvitationCode(councilId, attempt);
    const owner = owners.get(code);
    if (owner === undefined || owner === councilId) return code;
  }
  throw new Error(`no free invitation code for ${councilId} in ${maxDerivationAttempts} tries`);
}
