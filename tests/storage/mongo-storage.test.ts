import type { Db } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repairLastTurn } from '../../storage/apply-turn-effects.js';
import { ensureIndexes } from '../../storage/ensure-indexes.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { StorageError } from '../../storage/storage-error.js';
import type { Storage } from '../../storage/storage.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from './raw-collection.js';
import { storageContract } from './storage-contract.js';
import { answerCommit, consultationId, text, turnCommit } from './turn-commit.js';

storageContract('mongoStorage', async () => {
  const { db, drop } = await useTestDatabase();
  await ensureIndexes(db);
  return { storage: mongoStorage(db), cleanup: drop };
});

const alice: ChannelIdentity = { channel: 'web', externalId: 'alice' };

describe('mongoStorage, as a MongoDB user sees it', () => {
  let database: TestDatabase;
  let db: Db;
  let storage: Storage;

  beforeEach(async () => {
    database = await useTestDatabase();
    db = database.db;
    await ensureIndexes(db);
    storage = mongoStorage(db);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('keeps one readable document per participant, with the state nested', async () => {
    const first = await storage.participants.commit(turnCommit(alice, null, { inboundId: 'w:1' }));
    if (first.kind !== 'committed') throw new Error(first.kind);
    const loaded = await storage.participants.load(alice);
    await storage.participants.commit(
      answerCommit(alice, loaded, 'edu_marche', text('Le soutien scolaire')),
    );
    const doc = await raw(db, 'participants').findOne({ _id: first.participantId });
    expect(doc).toMatchObject({
      version: 2,
      identities: [alice],
      consultationId,
      status: 'in_progress',
      state: { v: 1, stage: 'questions', answers: { edu_marche: text('Le soutien scolaire') } },
      recentInboundIds: ['w:1'],
    });
    // The last turn's replies and effects, kept only to finish or repeat it, are JSON text.
    expect(JSON.parse(String(doc?.['lastTurn']))).toMatchObject({ version: 2, channel: 'web' });
    expect(await raw(db, 'identities').findOne({ _id: 'web:alice' })).toMatchObject({
      participantId: first.participantId,
    });
    // Found with plain queries on the nested state.
    expect(await raw(db, 'participants').countDocuments({ 'state.stage': 'questions' })).toBe(1);
  });

  it('reports a damaged state clearly instead of using it', async () => {
    const outcome = await storage.participants.commit(turnCommit(alice, null));
    if (outcome.kind !== 'committed') throw new Error(outcome.kind);
    await raw(db, 'participants').updateOne(
      { _id: outcome.participantId },
      { $set: { 'state.stage': 'flying' } },
    );
    // Read by a process that did not commit it (the committer remembers what it wrote).
    const elsewhere = mongoStorage(db);
    const error: unknown = await elsewhere.participants.load(alice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'corrupt_document' });
    expect(String(error)).toMatch(new RegExp(`participants/${outcome.participantId} state.*stage`));
  });

  it('reads its own commits from memory, and a commit made elsewhere is still never lost', async () => {
    const first = await storage.participants.commit(turnCommit(alice, null, { inboundId: 'w:1' }));
    if (first.kind !== 'committed') throw new Error(first.kind);
    const elsewhere = mongoStorage(db);
    // Another process moves the participant on while this one still remembers version 1.
    const theirs = await elsewhere.participants.load(alice);
    expect(
      await elsewhere.participants.commit(
        answerCommit(alice, theirs, 'edu_marche', text('Le soutien scolaire'), {
          inboundId: 'w:2',
        }),
      ),
    ).toMatchObject({ kind: 'committed', version: 2 });
    const mine = await storage.participants.load(alice);
    expect(mine?.version).toBe(1);
    expect(
      await storage.participants.commit(
        answerCommit(alice, mine, 'edu_marche', text('Des bus le soir'), { inboundId: 'w:3' }),
      ),
    ).toEqual({ kind: 'conflict' });
    // Refused, so forgotten: the replay reads what the other process committed.
    const again = await storage.participants.load(alice);
    expect(again?.version).toBe(2);
    expect(again?.recentInboundIds).toEqual(['w:1', 'w:2']);
    // A message the other process already handled is a duplicate here too.
    expect(
      await storage.participants.commit(
        answerCommit(alice, mine, 'edu_marche', text('Des bus le soir'), { inboundId: 'w:2' }),
      ),
    ).toMatchObject({ kind: 'duplicate' });
  });

  it('treats an identity whose participant is gone as someone new, and removes it', async () => {
    await raw(db, 'identities').insertOne({
      _id: 'web:alice',
      channel: 'web',
      externalId: 'alice',
      participantId: 'erased-half-way',
      createdAt: new Date(),
    });
    expect(await storage.participants.load(alice)).toBeNull();
    expect(await raw(db, 'identities').countDocuments({})).toBe(0);
    expect(await storage.participants.commit(turnCommit(alice, null))).toMatchObject({
      kind: 'committed',
      version: 1,
    });
  });

  it('finishes on load a turn whose effects a crash interrupted, once', async () => {
    await storage.participants.commit(turnCommit(alice, null));
    const turn = answerCommit(
      alice,
      await storage.participants.load(alice),
      'edu_marche',
      text('après'),
    );
    // Committed, then the process died: no answer, no transcript yet.
    expect(await storage.participants.commit(turn)).toMatchObject({ kind: 'committed' });
    expect(await raw(db, 'answers').countDocuments({})).toBe(0);
    const loaded = await storage.participants.load(alice);
    if (loaded === null) throw new Error('nothing loaded');
    await Promise.all([repairLastTurn(storage, loaded), repairLastTurn(storage, loaded)]);
    expect(await raw(db, 'answers').find().toArray()).toMatchObject([
      { value: text('après'), history: [] },
    ]);
    expect(await raw(db, 'transcripts').countDocuments({})).toBe(1);
  });

  it('refuses, in any process, a turn built before the participant was erased', async () => {
    await storage.participants.commit(turnCommit(alice, null, { inboundId: 'w:1' }));
    const loaded = await storage.participants.load(alice);
    const other = mongoStorage(db);
    if (loaded === null) throw new Error('nothing loaded');
    await other.participants.remove(loaded.participantId);
    expect(
      await storage.participants.commit(
        answerCommit(alice, loaded, 'edu_marche', text('trop tard')),
      ),
    ).toEqual({ kind: 'conflict' });
    expect(await raw(db, 'participants').countDocuments({})).toBe(0);
    expect(await raw(db, 'identities').countDocuments({})).toBe(0);
  });

  it('keeps one tiny document per sent Telegram message, expiring after two days', async () => {
    const at = new Date('2017-11-23T09:00:00Z');
    await storage.telegramSent.record('tg:7000000001:42', 1, at);
    expect(await raw(db, 'telegram_sent').find({}).toArray()).toEqual([
      { _id: 'tg:7000000001:42|1', expiresAt: new Date('2017-11-25T09:00:00Z') },
    ]);
  });

  it('names its indexes and creates them at every start', async () => {
    const again = await ensureIndexes(db);
    expect(['native', 'purge']).toContain(again.expiry);
    const names = async (name: string) =>
      (await db.collection(name).indexes()).map((index) => index.name).sort();
    expect(await names('participants')).toEqual(['_id_', 'consultation_council_status']);
    expect(await names('answers')).toEqual([
      '_id_',
      'consultation',
      'participant_question',
      'updated',
    ]);
    expect(await names('identities')).toEqual(['_id_', 'participant']);
    expect(await names('transcripts')).toEqual(['_id_', 'at_ttl', 'participant_turns']);
    expect(await names('telegram_sent')).toEqual(['_id_', 'expires_ttl']);
  });
});
