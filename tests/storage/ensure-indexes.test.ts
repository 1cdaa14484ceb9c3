import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureIndexes } from '../../storage/open-database.js';
import { purgeExpired } from '../../storage/purge-expired.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from './raw-collection.js';

const day = 86_400_000;

describe('ensureIndexes', () => {
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
    expect(await ensureIndexes(db, { retentionDays: 30, inboundRetentionDays: 2 })).toEqual(first);
    const answers = await db.collection('answers').indexes();
    expect(answers).toContainEqual(
      expect.objectContaining({
        name: 'participant_question',
        key: { participantId: 1, questionId: 1 },
        unique: true,
      }),
    );
    const sessions = await db.collection('sessions').indexes();
    expect(sessions).toContainEqual(
      expect.objectContaining({ key: { participantId: 1, version: -1 } }),
    );
  });

  it('expires transcripts and inbound ids after the configured retention', async () => {
    const { db } = database;
    const report = await ensureIndexes(db, { retentionDays: 30, inboundRetentionDays: 2 });
    const ttl = async (name: string) =>
      (await db.collection(name).indexes()).find((index) => index.name === 'at_ttl');
    if (report.expiry === 'native') {
      expect(await ttl('transcripts')).toMatchObject({
        key: { at: 1 },
        expireAfterSeconds: 30 * 86_400,
      });
      expect(await ttl('processed_inbound')).toMatchObject({
        key: { at: 1 },
        expireAfterSeconds: 2 * 86_400,
      });
    } else {
      // FerretDB v1 has no TTL indexes: a plain index on `at` serves purgeExpired.
      expect(await ttl('transcripts')).toMatchObject({ key: { at: 1 } });
      expect(await ttl('transcripts')).not.toHaveProperty('expireAfterSeconds');
    }
    const now = new Date('2018-01-10T00:00:00Z');
    const ago = (days: number) => new Date(now.getTime() - days * day);
    await raw(db, 'transcripts').insertMany([
      { _id: 'old', participantId: 'p', at: ago(31) },
      { _id: 'recent', participantId: 'p', at: ago(29) },
    ]);
    await raw(db, 'processed_inbound').insertMany([
      { _id: 'tg:1', at: ago(3) },
      { _id: 'tg:2', at: ago(1) },
    ]);
    expect(await purgeExpired(db, { retentionDays: 30, inboundRetentionDays: 2, now })).toEqual({
      transcripts: 1,
      processedInbound: 1,
      other: 0,
    });
    expect(await raw(db, 'transcripts').distinct('_id')).toEqual(['recent']);
    expect(await raw(db, 'processed_inbound').distinct('_id')).toEqual(['tg:2']);
  });

  it('refuses a retention that is not a whole number of days', async () => {
    await expect(ensureIndexes(database.db, { retentionDays: 0 })).rejects.toThrow(
      /whole number of days/,
    );
  });
});
