import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { collections, type Collections } from './collections.js';
import { councilDocSchema, invitationCodeDocSchema, type CouncilDoc } from './documents.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { generateInvitationCode, isValidInvitationCode, normalizeInvitationCode } from './invitation-code.js';
import type { QpvRow } from './parse-qpv-csv.js';
import { checkForWrite, parseStored } from './storage-error.js';

/** A conseil citoyen, identified by the code of its QPV. */
export interface Council extends Omit<QpvRow, 'code'> {
  id: string;
  invitationCodes: string[];
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
  | { ok: true; code: string }
  | { ok: false; reason: 'unknown_council' | 'invalid_code' | 'taken' };

/**
 * Inserts new councils and updates changed ones (idempotent: a second import of the same rows
 * changes nothing), then gives every council without an invitation code a random one.
 */
export async function importCouncils(db: Db, rows: readonly QpvRow[], now = new Date()): Promise<ImportReport> {
  const c = collections(db);
  const existing = new Map((await readCouncils(c)).map((council) => [council._id, council]));
  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, invitationCodesCreated: 0 };
  const writes: AnyBulkWriteOperation<CouncilDoc>[] = [];
  for (const row of rows) {
    const { code, ...fields } = row;
    const before = existing.get(code);
    const doc = checkForWrite(
      councilDocSchema,
      { _id: code, ...fields, invitationCodes: before?.invitationCodes ?? [], createdAt: before?.createdAt ?? now, updatedAt: now },
      `councils/${code}`,
    );
    if (before && sameFields(before, doc)) report.unchanged += 1;
    else {
      report[before ? 'updated' : 'inserted'] += 1;
      const { _id, invitationCodes, createdAt, ...changes } = doc;
      writes.push({ updateOne: { filter: { _id }, update: { $set: changes, $setOnInsert: { invitationCodes, createdAt } }, upsert: true } });
    }
  }
  for (let i = 0; i < writes.length; i += 500) await c.councils.bulkWrite(writes.slice(i, i + 500), { ordered: false });
  report.invitationCodesCreated = await giveEveryCouncilACode(c, now);
  return report;
}

/** All councils by code, with their invitation codes. */
export async function listCouncils(db: Db): Promise<Council[]> {
  return (await readCouncils(collections(db))).map(toCouncil);
}

export async function findCouncil(db: Db, councilId: string): Promise<Council | null> {
  const raw = await collections(db).councils.findOne({ _id: councilId });
  return raw === null ? null : toCouncil(parseStored(councilDocSchema, raw, `councils/${councilId}`));
}

/** The council a typed invitation code leads to ("k7q h3m" finds K7QH3M), or null. */
export async function findByInvitationCode(db: Db, text: string): Promise<Council | null> {
  const code = normalizeInvitationCode(text);
  if (!isValidInvitationCode(code)) return null;
  const raw = await collections(db).invitationCodes.findOne({ _id: code });
  if (raw === null) return null;
  return findCouncil(db, parseStored(invitationCodeDocSchema, raw, `invitation_codes/${code}`).councilId);
}

/** Adds a chosen code (normalised) or, without one, a new random code to a council. */
export async function addInvitationCode(db: Db, councilId: string, chosen?: string, now = new Date()): Promise<AddInvitationCodeResult> {
  const c = collections(db);
  if ((await c.councils.findOne({ _id: councilId }, { projection: { _id: 1 } })) === null) return { ok: false, reason: 'unknown_council' };
  if (chosen !== undefined) {
    const code = normalizeInvitationCode(chosen);
    if (!isValidInvitationCode(code)) return { ok: false, reason: 'invalid_code' };
    if (!(await claimCode(c, code, councilId, now))) {
      const owner = await c.invitationCodes.findOne({ _id: code });
      if (owner?.councilId !== councilId) return { ok: false, reason: 'taken' };
    }
    await c.councils.updateOne({ _id: councilId }, { $addToSet: { invitationCodes: code } });
    return { ok: true, code };
  }
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const code = generateInvitationCode();
    if (await claimCode(c, code, councilId, now)) {
      await c.councils.updateOne({ _id: councilId }, { $addToSet: { invitationCodes: code } });
      return { ok: true, code };
    }
  }
  throw new Error('could not find a free invitation code in 10 tries');
}

/**
 * The `invitation_codes` collection is the source of truth (its `_id` makes codes unique);
 * the copy on each council document is brought in line with it here.
 */
async function giveEveryCouncilACode(c: Collections, now: Date): Promise<number> {
  let created = 0;
  for (let round = 0; round < 5; round += 1) {
    const councils = await readCouncils(c);
    const codes = await codesByCouncil(c);
    const missing = councils.filter((council) => !codes.has(council._id));
    if (missing.length === 0) {
      await syncCouncilCodes(c, councils, codes);
      return created;
    }
    const taken = new Set([...codes.values()].flat());
    const docs = missing.map((council) => {
      let code = generateInvitationCode();
      while (taken.has(code)) code = generateInvitationCode();
      taken.add(code);
      return checkForWrite(invitationCodeDocSchema, { _id: code, councilId: council._id, createdAt: now }, `invitation_codes/${code}`);
    });
    // A clash with a concurrent import is skipped here and retried in the next round.
    const result = await c.invitationCodes.insertMany(docs, { ordered: false }).catch((error: unknown) => {
      if (isDuplicateKeyError(error)) return undefined;
      throw error;
    });
    created += result?.insertedCount ?? 0;
  }
  throw new Error('could not give every council an invitation code in 5 rounds');
}

async function syncCouncilCodes(c: Collections, councils: CouncilDoc[], codes: Map<string, string[]>): Promise<void> {
  const writes: AnyBulkWriteOperation<CouncilDoc>[] = [];
  for (const council of councils) {
    const wanted = [...(codes.get(council._id) ?? [])].sort();
    if (wanted.join() === [...council.invitationCodes].sort().join()) continue;
    writes.push({ updateOne: { filter: { _id: council._id }, update: { $set: { invitationCodes: wanted } } } });
  }
  for (let i = 0; i < writes.length; i += 500) await c.councils.bulkWrite(writes.slice(i, i + 500), { ordered: false });
}

/** Inserts the code for this council; false if the code already exists (for anyone). */
async function claimCode(c: Collections, code: string, councilId: string, now: Date): Promise<boolean> {
  try {
    await c.invitationCodes.insertOne({ _id: code, councilId, createdAt: now });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

async function codesByCouncil(c: Collections): Promise<Map<string, string[]>> {
  const byCouncil = new Map<string, string[]>();
  for await (const raw of c.invitationCodes.find()) {
    const doc = parseStored(invitationCodeDocSchema, raw, `invitation_codes/${String(raw._id)}`);
    byCouncil.set(doc.councilId, [...(byCouncil.get(doc.councilId) ?? []), doc._id]);
  }
  return byCouncil;
}

async function readCouncils(c: Collections): Promise<CouncilDoc[]> {
  const docs: CouncilDoc[] = [];
  for await (const raw of c.councils.find().sort({ _id: 1 })) docs.push(parseStored(councilDocSchema, raw, `councils/${raw._id}`));
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
