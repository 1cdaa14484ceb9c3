import type { Collections } from './collections.js';
import { invitationCodeDocSchema } from './council-documents.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { generateInvitationCode } from './invitation-code.js';
import { checkForWrite, parseStored } from './storage-error.js';

/**
 * Gives each of these councils that has no invitation code a random one, and returns every
 * council's codes. The `invitation_codes` collection is the source of truth: its `_id` keeps
 * a code unique (FerretDB v1 does not enforce unique indexes on array fields).
 */
export async function assignInvitationCodes(
  c: Collections,
  councilIds: readonly string[],
  now: Date,
): Promise<{ codes: Map<string, string[]>; created: number }> {
  let created = 0;
  for (let round = 0; round < 5; round += 1) {
    const codes = await codesByCouncil(c);
    const missing = councilIds.filter((id) => !codes.has(id));
    if (missing.length === 0) return { codes, created };
    const taken = new Set([...codes.values()].flat());
    const docs = missing.map((councilId) => {
      let code = generateInvitationCode();
      while (taken.has(code)) code = generateInvitationCode();
      taken.add(code);
      const doc = { _id: code, councilId, createdAt: now };
      return checkForWrite(invitationCodeDocSchema, doc, `invitation_codes/${code}`);
    });
    // A code taken meanwhile (a concurrent import) fails alone; the next round retries it.
    const result = await c.invitationCodes
      .insertMany(docs, { ordered: false })
      .catch((error: unknown) => {
        if (isDuplicateKeyError(error)) return undefined;
        throw error;
      });
    created += result?.insertedCount ?? 0;
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
