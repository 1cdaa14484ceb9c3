import type { Db } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addInvitationCode,
  findByInvitationCode,
  findCouncil,
  importCouncils,
  listCouncils,
} from '../../storage/council-repository.js';
import { readCouncilRevision } from '../../storage/council-revision.js';
import { prepareCouncils } from '../../storage/prepare-councils.js';
import { derivedInvitationCode, invitationAlphabet } from '../../storage/invitation-code.js';
import { ensureIndexes } from '../../storage/open-database.js';
import type { QpvRow } from '../../storage/parse-qpv-csv.js';
import {
  importReferenceCouncilsIfEmpty,
  referenceCouncils,
} from '../../storage/reference-councils.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from './raw-collection.js';

const roubaix: QpvRow = roubaixRow;
const tourcoing: QpvRow = {
  ...roubaix,
  code: 'QN05983M',
  name: 'Phalempins',
  commune: 'Tourcoing',
  communeInsee: '59599',
};

describe('council repository', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await useTestDatabase();
    await ensureIndexes(database.db);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('imports idempotently and gives each council its derived invitation code', async () => {
    const { db } = database;
    expect(await importCouncils(db, [roubaix, tourcoing])).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
      invitationCodesCreated: 2,
    });
    const before = await listCouncils(db);
    expect(await importCouncils(db, [roubaix, tourcoing])).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 2,
      invitationCodesCreated: 0,
    });
    expect(await listCouncils(db)).toEqual(before);
    expect(before.map((council) => council.id)).toEqual(['QN05981M', 'QN05983M']);
    for (const council of before) {
      expect(council.invitationCodes).toEqual([derivedInvitationCode(council.id)]);
      expect(council.invitationCodes[0]).toMatch(new RegExp(`^[${invitationAlphabet}]{6}$`));
    }
    expect(
      await importCouncils(db, [{ ...roubaix, name: 'Nouveau Roubaix (Épeule)' }]),
    ).toMatchObject({ updated: 1 });
    expect(await findCouncil(db, 'QN05981M')).toMatchObject({
      name: 'Nouveau Roubaix (Épeule)',
      invitationCodes: before[0]?.invitationCodes,
    });
  });

  it('gives the same codes on another install, and keeps the codes an older install printed', async () => {
    const { db } = database;
    const other = await useTestDatabase();
    try {
      await importCouncils(other.db, [tourcoing, roubaix]);
      await storeAsAnOlderVersion(db, roubaix, 'K7QH3M');
      expect(await importCouncils(db, [roubaix, tourcoing])).toMatchObject({
        inserted: 1,
        unchanged: 1,
        invitationCodesCreated: 2,
      });
      const derived = derivedInvitationCode(roubaix.code);
      expect((await findCouncil(db, roubaix.code))?.invitationCodes.sort()).toEqual(
        ['K7QH3M', derived].sort(),
      );
      expect((await findByInvitationCode(db, 'k7qh3m'))?.id).toBe(roubaix.code);
      expect((await findByInvitationCode(db, derived))?.id).toBe(roubaix.code);
      expect((await findCouncil(other.db, roubaix.code))?.invitationCodes).toEqual([derived]);
      expect((await findCouncil(other.db, tourcoing.code))?.invitationCodes).toEqual(
        (await findCouncil(db, tourcoing.code))?.invitationCodes,
      );
    } finally {
      await other.drop();
    }
  });

  it('gives the councils of an older version their derived codes once, on a start', async () => {
    const { db } = database;
    await storeAsAnOlderVersion(db, roubaix, 'K7QH3M');
    expect(await prepareCouncils(db)).toEqual({ imported: undefined, derivedCodesAdded: 1 });
    expect((await findCouncil(db, roubaix.code))?.invitationCodes.sort()).toEqual(
      ['K7QH3M', derivedInvitationCode(roubaix.code)].sort(),
    );
    expect(await readCouncilRevision(db)).toBe(1);
    // Later starts read one marker document and change nothing.
    expect(await prepareCouncils(db)).toEqual({ imported: undefined, derivedCodesAdded: 0 });
    expect(await readCouncilRevision(db)).toBe(1);
    expect(await listCouncils(db)).toHaveLength(1); // not the shipped list on top
  });

  it('gives a council its next derived code when the first is taken', async () => {
    const { db } = database;
    await importCouncils(db, [tourcoing]);
    const first = derivedInvitationCode(roubaix.code);
    expect(await addInvitationCode(db, tourcoing.code, first)).toEqual({ ok: true, code: first });
    await importCouncils(db, [roubaix]);
    expect((await findCouncil(db, roubaix.code))?.invitationCodes).toEqual([
      derivedInvitationCode(roubaix.code, 1),
    ]);
    expect((await findByInvitationCode(db, first))?.id).toBe(tourcoing.code);
  });

  it('counts a revision for every import and new code, so running servers reload', async () => {
    const { db } = database;
    expect(await readCouncilRevision(db)).toBe(0);
    await importCouncils(db, [roubaix]);
    expect(await readCouncilRevision(db)).toBe(1);
    await importCouncils(db, [roubaix]);
    expect(await readCouncilRevision(db)).toBe(2);
    await addInvitationCode(db, roubaix.code, 'RBX2017');
    expect(await readCouncilRevision(db)).toBe(3);
    expect(await addInvitationCode(db, 'QN99999X', 'ABCDEF')).toMatchObject({ ok: false });
    expect(await addInvitationCode(db, tourcoing.code, 'a.b')).toMatchObject({ ok: false });
    expect(await readCouncilRevision(db)).toBe(3);
  });

  it('finds a council by its invitation code, however it is typed', async () => {
    const { db } = database;
    await importCouncils(db, [roubaix]);
    const [council] = await listCouncils(db);
    const code = council?.invitationCodes[0] ?? '';
    expect(
      await findByInvitationCode(db, ` ${code.slice(0, 3).toLowerCase()}-${code.slice(3)} `),
    ).toMatchObject({
      id: 'QN05981M',
      commune: 'Roubaix',
    });
    expect(await findByInvitationCode(db, 'ZZZZZZ')).toBeNull();
    expect(await findByInvitationCode(db, '{"$gt": ""}')).toBeNull();
    expect(await findByInvitationCode(db, '')).toBeNull();
  });

  it('keeps invitation codes unique across councils', async () => {
    const { db } = database;
    await importCouncils(db, [roubaix, tourcoing]);
    expect(await addInvitationCode(db, 'QN05981M', 'rbx-2017')).toEqual({
      ok: true,
      code: 'RBX2017',
    });
    expect(await addInvitationCode(db, 'QN05981M', 'RBX2017')).toEqual({
      ok: true,
      code: 'RBX2017',
    });
    expect(await addInvitationCode(db, 'QN05983M', 'RBX2017')).toEqual({
      ok: false,
      reason: 'taken',
    });
    expect(await addInvitationCode(db, 'QN05983M', 'a.b')).toEqual({
      ok: false,
      reason: 'invalid_code',
    });
    expect(await addInvitationCode(db, 'QN99999X', 'ABCDEF')).toEqual({
      ok: false,
      reason: 'unknown_council',
    });
    const generated = await addInvitationCode(db, 'QN05983M');
    expect(generated.ok).toBe(true);
    expect((await findCouncil(db, 'QN05981M'))?.invitationCodes).toContain('RBX2017');
    expect((await findByInvitationCode(db, 'RBX2017'))?.id).toBe('QN05981M');
    const codes = (await listCouncils(db)).flatMap((council) => council.invitationCodes);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('imports the shipped list once on a fresh database, even from two processes at once', async () => {
    const { db } = database;
    const second = await useTestDatabase();
    try {
      const db2 = second.client.db(database.name);
      const [a, b] = await Promise.all([
        importReferenceCouncilsIfEmpty(db),
        importReferenceCouncilsIfEmpty(db2),
      ]);
      // However the two interleave, each council and code is written once.
      expect((a?.inserted ?? 0) + (b?.inserted ?? 0)).toBe(1493);
      expect((a?.invitationCodesCreated ?? 0) + (b?.invitationCodesCreated ?? 0)).toBe(1493);
    } finally {
      await second.drop();
    }
    expect(await raw(db, 'invitation_codes').countDocuments({})).toBe(1493);
    const councils = await listCouncils(db);
    expect(councils).toHaveLength(1493);
    // No two QPV of the list share a first candidate: every install gives these very codes.
    for (const council of councils)
      expect(council.invitationCodes).toEqual([derivedInvitationCode(council.id)]);
    expect(await importReferenceCouncilsIfEmpty(db)).toBeUndefined();
    expect(await importCouncils(db, referenceCouncils())).toMatchObject({
      unchanged: 1493,
      invitationCodesCreated: 0,
    });
  });
});

/** A council as an older version stored it: one random invitation code, printed on posters. */
async function storeAsAnOlderVersion(db: Db, row: QpvRow, code: string): Promise<void> {
  const { code: id, ...fields } = row;
  const at = new Date('2024-01-01');
  await raw(db, 'councils').insertOne({
    _id: id,
    ...fields,
    invitationCodes: [code],
    createdAt: at,
    updatedAt: at,
  });
  await raw(db, 'invitation_codes').insertOne({ _id: code, councilId: id, createdAt: at });
}
