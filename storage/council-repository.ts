import { MongoBulkWriteError, type Db } from 'mongodb';
import { assignInvitationCodes } from './assign-invitation-codes.js';
import { collections, type Collections } from './collections.js';
import { councilDocSchema, invitationCodeDocSchema, type CouncilDoc } from './council-documents.js';
import { bumpCouncilRevision } from './council-revision.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import {
  generateInvitationCode,
  isValidInvitationCode,
  normalizeInvitationCode,
} from './invitation-code.js';
import type { QpvRow } from './parse-qpv-csv.js';
import { checkForWrite, parseStored } from './storage-error.js';

/** A conseil citoyen, identified by the code of its QPV. */
export interface Council extends Omit<QpvRow, 'code'> {
  id: string;
  invitationCodes: string[];
  /** How many members it has, when an admin said so (setCouncilMembers). */
  members?: number | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface ImportReport {
  inserted: number;
  updated: number;
  unchanged: number;
  invitationCodesCreated: number;
}

export type AddInvitationCodeResult =
  { ok: true; code: string } | { ok: false; reason: 'unknown_council' | 'invalid_code' | 'taken' };

/**
 * Inserts new councils and updates changed ones (idempotent: a second import of the same rows
 * changes nothing), giving every council its derived invitation code (the same on every
 * install) beside any code it had. Running servers see the change (`bumpCouncilRevision`).
 */
export async function importCouncils(
  db: Db,
  rows: readonly QpvRow[],
  now = new Date(),
): Promise<ImportReport> {
  const c = collections(db);
  const existing = new Map((await readCouncils(c)).map((council) => [council._id, council]));
  const ids = [...new Set([...existing.keys(), ...rows.map((row) => row.code)])];
  const { codes, created } = await assignInvitationCodes(c, ids, now);
  const report: ImportReport = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    invitationCodesCreated: created,
  };
  const inserts: CouncilDoc[] = [];
  const updates: { _id: string; $set: Partial<CouncilDoc> }[] = [];
  for (const { code, ...fields } of rows) {
    const before = existing.get(code);
    const doc = checkForWrite(
      councilDocSchema,
      {
        _id: code,
        ...fields,
        invitationCodes: codes.get(code) ?? [],
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      },
      `councils/${code}`,
    );
    if (!before) {
      report.inserted += 1;
      inserts.push(doc);
      continue;
    }
    const changed = !sameFields(before, doc);
    const codesChanged = before.invitationCodes.join() !== doc.invitationCodes.join();
    report[changed ? 'updated' : 'unchanged'] += 1;
    const { _id, invitationCodes } = doc;
    const changes = { ...fields, updatedAt: now };
    if (changed || codesChanged) {
      updates.push({ _id, $set: changed ? { ...changes, invitationCodes } : { invitationCodes } });
    }
  }
  // Councils no longer in the list keep their place, and get their derived code too.
  const listed = new Set(rows.map((row) => row.code));
  for (const before of existing.values()) {
    const invitationCodes = codes.get(before._id) ?? [];
    if (!listed.has(before._id) && before.invitationCodes.join() !== invitationCodes.join())
      updates.push({ _id: before._id, $set: { invitationCodes } });
  }
  // Inserts are fast on FerretDB; updates are one by one, so only what changed is updated.
  if (inserts.length > 0) {
    // A council inserted meanwhile by a concurrent import is counted there, not here.
    report.inserted = await c.councils.insertMany(inserts, { ordered: false }).then(
      (result) => result.insertedCount,
      (error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
        return error instanceof MongoBulkWriteError ? error.insertedCount : 0;
      },
    );
  }
  for (const { _id, $set } of updates) await c.councils.updateOne({ _id }, { $set });
  // Even when nothing changed: an import cut short before its bump is then seen when re-run.
  await bumpCouncilRevision(db, now);
  return report;
}

/** All councils by code, with their invitation codes. */
export async function listCouncils(db: Db): Promise<Council[]> {
  return (await readCouncils(collections(db))).map(toCouncil);
}

export async function findCouncil(db: Db, councilId: string): Promise<Council | null> {
  const raw = await collections(db).councils.findOne({ _id: councilId });
  return raw === null
    ? null
    : toCouncil(parseStored(councilDocSchema, raw, `councils/${councilId}`));
}

/** The council a typed invitation code leads to ("k7q h3m" finds K7QH3M), or null. */
export async function findByInvitationCode(db: Db, text: string): Promise<Council | null> {
  const code = normalizeInvitationCode(text);
  if (!isValidInvitationCode(code)) return null;
  const raw = await collections(db).invitationCodes.findOne({ _id: code });
  if (raw === null) return null;
  return findCouncil(
    db,
    parseStored(invitationCodeDocSchema, raw, `invitation_codes/${code}`).councilId,
  );
}

/** Adds a chosen code (normalised) or, without one, a new random code to a council. */
export async function addInvitationCode(
  db: Db,
  councilId: string,
  chosen?: string,
  now = new Date(),
): Promise<AddInvitationCodeResult> {
  const c = collections(db);
  if ((await c.councils.findOne({ _id: councilId }, { projection: { _id: 1 } })) === null)
    return { ok: false, reason: 'unknown_council' };
  if (chosen !== undefined) {
    const code = normalizeInvitationCode(chosen);
    if (!isValidInvitationCode(code)) return { ok: false, reason: 'invalid_code' };
    if (!(await claimCode(c, code, councilId, now))) {
      const owner = await c.invitationCodes.findOne({ _id: code });
      if (owner?.councilId !== councilId) return { ok: false, reason: 'taken' };
    }
    await c.councils.updateOne({ _id: councilId }, { $addToSet: { invitationCodes: code } });
    await bumpCouncilRevision(db, now);
    return { ok: true, code };
  }
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const code = generateInvitationCode();
    if (await claimCode(c, code, councilId, now)) {
      await c.councils.updateOne({ _id: councilId }, { $addToSet: { invitationCodes: code } });
      await bumpCouncilRevision(db, now);
      return { ok: true, code };
    }
  }
  throw new Error('could not find a free invitation code in 10 tries');
}

/**
 * Sets (or, with null, forgets) how many members a council has; false for an unknown council.
 * An import of the official list leaves it as it is (it sets only the list's own fields).
 */
export async function setCouncilMembers(
  db: Db,
  councilId: string,
  members: number | null,
  now = new Date(),
): Promise<boolean> {
  if (members !== null && (!Number.isInteger(members) || members < 1))
    throw new RangeError(`members must be a whole number from 1, got ${members}`);
  const councils = collections(db).councils;
  const filter = { _id: String(councilId) };
  const result =
    members === null
      ? await councils.updateOne(filter, { $unset: { members: '' }, $set: { updatedAt: now } })
      : await councils.updateOne(filter, { $set: { members, updatedAt: now } });
  return result.matchedCount > 0;
}

/** Inserts the code for this council; false if the code already exists (for anyone). */
async function claimCode(
  c: Collections,
  code: string,
  councilId: string,
  now: Date,
): Promise<boolean> {
  try {
    await c.invitationCodes.insertOne({ _id: code, councilId, createdAt: now });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

async function readCouncils(c: Collections): Promise<CouncilDoc[]> {
  const docs: CouncilDoc[] = [];
  for await (const raw of c.councils.find().sort({ _id: 1 }))
    docs.push(parseStored(councilDocSchema, raw, `councils/${raw._id}`));
  return docs;
}

function sameFields(a: CouncilDoc, b: CouncilDoc): boolean {
  return (
    a.name === b.name &&
    a.commune === b.commune &&
    a.communeInsee === b.communeInsee &&
    a.department === b.department &&
    a.departmentName === b.departmentName
  );
}

function toCouncil({ _id, ...fields }: CouncilDoc): Council {
  return { id: _id, ...fields };
}

/** These councils (by `_id`, the lookup FerretDB serves from its index); unknown ids are left out. */
export async function findCouncils(db: Db, councilIds: readonly string[]): Promise<Council[]> {
  if (councilIds.length === 0) return [];
  const docs = await collections(db)
    .councils.find({ _id: { $in: councilIds.map(String) } })
    .toArray();
  return docs
    .map((raw) => toCouncil(parseStored(councilDocSchema, raw, `councils/${raw._id}`)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
