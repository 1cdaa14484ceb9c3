import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureIndexes } from '../../storage/ensure-indexes.js';
import { purgeExpired } from '../../storage/purge-expired.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from './raw-collection.js';

const day = 86_400_000;

describe('ensureIndexes and purgeExpired', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await useTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('can run at every start, and again with another retention', async () => {
    const { db } = database;
    const first = await ensureIndexes(db, { retentionDays: 365 });
    expect(await ensureIndexes(db, { retentionDays: 365 })).toEqual(first);
    expect(await ensureIndexes(db, { retentionDays: 30 })).toEqual(first);
    expect(await db.collection('answers').indexes()).toContainEqual(
      expect.objectContaining({
        name: 'participant_question',
        key: { participantId: 1, questionId: 1 },
        unique: true,
      }),
    );
  });

  it('expires transcripts after the configured retention, codes and sent records when they expire', async () => {
    const { db } = database;
    const report = await ensureIndexes(db, { retentionDays: 30 });
    const ttl = async (name: string, index: string) =>
      (await db.collection(name).indexes()).find((i) => i.name === index);
    if (report.expiry === 'native') {
      expect(await ttl('transcripts', 'at_ttl')).toMatchObject({
        key: { at: 1 },
        expireAfterSeconds: 30 * 86_400,
      });
      expect(await ttl('continuation_codes', 'expires_ttl')).toMatchObject({
        key: { expiresAt: 1 },
        expireAfterSeconds: 0,
      });
      expect(await ttl('telegram_sent', 'expires_ttl')).toMatchObject({
        key: { expiresAt: 1 },
        expireAfterSeconds: 0,
      });
    } else {
      // FerretDB v1 has no TTL indexes: a plain index on the field serves purgeExpired.
      expect(await ttl('transcripts', 'at_ttl')).toMatchObject({ key: { at: 1 } });
      expect(await ttl('transcripts', 'at_ttl')).not.toHaveProperty('expireAfterSeconds');
      expect(await ttl('telegram_sent', 'expires_ttl')).toMatchObject({ key: { expiresAt: 1 } });
    }
    const now = new Date('2018-01-10T00:00:00Z');
    const ago = (days: number) => new Date(now.getTime() - days * day);
    await raw(db, 'participants').insertOne({ _id: 'p' });
    await raw(db, 'transcripts').insertMany([
      { _id: 'p:1', participantId: 'p', at: ago(31) },
      { _id: 'p:2', participantId: 'p', at: ago(29) },
    ]);
    await raw(db, 'continuation_codes').insertMany([
      { _id: 'OLD', participantId: 'p', expiresAt: ago(0.01) },
      { _id: 'NEW', participantId: 'p', expiresAt: new Date(now.getTime() + 60_000) },
    ]);
    await raw(db, 'telegram_sent').insertMany([
      { _id: 'tg:7:1|0', expiresAt: ago(0.01) },
      { _id: 'tg:7:2|0', expiresAt: new Date(now.getTime() + day) },
    ]);
    expect(await purgeExpired(db, { retentionDays: 30, now })).toEqual({
      transcripts: 1,
      workshopContacts: 0,
      other: 2,
      orphans: 0,
    });
    expect(await raw(db, 'transcripts').distinct('_id')).toEqual(['p:2']);
    expect(await raw(db, 'continuation_codes').distinct('_id')).toEqual(['NEW']);
    expect(await raw(db, 'telegram_sent').distinct('_id')).toEqual(['tg:7:2|0']);
  });

  it('removes what a late turn wrote for a participant erased meanwhile', async () => {
    const { db } = database;
    await ensureIndexes(db);
    const now = new Date('2018-01-10T12:00:00Z');
    const recent = new Date(now.getTime() - 60_000);
    await raw(db, 'participants').insertOne({ _id: 'alive' });
    await raw(db, 'answers').insertMany([
      { _id: 'alive:q1', participantId: 'alive', updatedAt: recent },
      { _id: 'erased:q1', participantId: 'erased', updatedAt: recent },
    ]);
    await raw(db, 'transcripts').insertMany([
      { _id: 'alive:1', participantId: 'alive', at: recent },
      { _id: 'erased:3', participantId: 'erased', at: recent },
    ]);
    expect(await purgeExpired(db, { now })).toMatchObject({ orphans: 2 });
    expect(await raw(db, 'answers').distinct('_id')).toEqual(['alive:q1']);
    expect(await raw(db, 'transcripts').distinct('_id')).toEqual(['alive:1']);
  });

  it('refuses a retention that is not a whole number of days', async () => {
    await expect(ensureIndexes(database.db, { retentionDays: 0 })).rejects.toThrow(
      /whole number of days/,
    );
  });
});
