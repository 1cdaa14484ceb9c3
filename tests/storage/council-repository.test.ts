import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addInvitationCode,
  findByInvitationCode,
  findCouncil,
  importCouncils,
  listCouncils,
} from '../../storage/council-repository.js';
import { ensureIndexes } from '../../storage/open-database.js';
import { invitationAlphabet } from '../../storage/invitation-code.js';
import { parseQpvCsv, type QpvRow } from '../../storage/parse-qpv-csv.js';
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

  it('imports idempotently and gives each council one random invitation code', async () => {
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
      expect(council.invitationCodes).toHaveLength(1);
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

  it('imports the whole reference list with 1,493 distinct codes', async () => {
    const { db } = database;
    const { rows } = parseQpvCsv(
      readFileSync(new URL('../../../shared/data/qpv-2024.csv', import.meta.url), 'utf8'),
    );
    expect(await importCouncils(db, rows)).toMatchObject({
      inserted: 1493,
      invitationCodesCreated: 1493,
    });
    expect(await raw(db, 'invitation_codes').countDocuments({})).toBe(1493);
    const councils = await listCouncils(db);
    expect(councils).toHaveLength(1493);
    expect(councils.every((council) => council.invitationCodes.length === 1)).toBe(true);
    expect(await importCouncils(db, rows)).toMatchObject({
      unchanged: 1493,
      invitationCodesCreated: 0,
    });
  });
});
