import type { Db } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelIdentity, TurnToCommit } from '../../storage/conversation-store.js';
import { MongoConversationStore } from '../../storage/mongo-conversation-store.js';
import { StorageError } from '../../storage/storage-error.js';
import { turnOutbox } from '../../storage/turn-outbox.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { answerTurn, buildTurn, text } from './build-turn.js';
import { BuiltOnLoad } from './built-on-load.js';
import { conversationStoreContract } from './conversation-store-contract.js';
import { raw } from './raw-collection.js';

conversationStoreContract('MongoConversationStore', async () => {
  const { db, drop } = await useTestDatabase();
  return { store: new MongoConversationStore(db), db, cleanup: drop };
});

conversationStoreContract('MongoConversationStore, reading everything back', async () => {
  const { db, drop } = await useTestDatabase();
  return { store: new MongoConversationStore(db, { cacheMs: 0 }), db, cleanup: drop };
});

conversationStoreContract('MongoConversationStore, turns built on what load returned', async () => {
  const { db, drop } = await useTestDatabase();
  return { store: new BuiltOnLoad(new MongoConversationStore(db)), db, cleanup: drop };
});

const alice: ChannelIdentity = { channel: 'web', externalId: 'alice' };

/** Step 1 of a commit only, as if the process died right after it (long enough ago). */
async function commitThenCrash(
  db: Db,
  participantId: string,
  turn: TurnToCommit,
  recentInboundIds: string[],
  committedAt = new Date('2017-11-23T09:00:00Z'),
): Promise<void> {
  const version = turn.expectedVersion + 1;
  await raw(db, 'sessions').insertOne({
    _id: `${participantId}:${version}`,
    participantId,
    version,
    at: turn.at,
    committedAt,
    consultationId: turn.state.consultationId,
    completedThemes: turn.state.completedThemes,
    state: JSON.stringify(turn.state),
    recentInboundIds: [...recentInboundIds, ...(turn.inboundId ? [turn.inboundId] : [])],
    outbox: JSON.stringify(turnOutbox(turn, version)),
  });
}

/** The same database seen from a process that has just started: it remembers nothing. */
function restarted(db: Db): MongoConversationStore {
  return new MongoConversationStore(db);
}

/** Nothing personal left: no answer, line, participant or identity; sessions as tombstones. */
async function expectErased(db: Db): Promise<void> {
  for (const name of ['answers', 'transcripts', 'participants', 'identities']) {
    expect(await raw(db, name).countDocuments({})).toBe(0);
  }
  for (const field of ['state', 'outbox', 'recentInboundIds', 'councilId'])
    expect(await raw(db, 'sessions').countDocuments({ [field]: { $exists: true } })).toBe(0);
}

describe('MongoConversationStore', () => {
  let database: TestDatabase;
  let db: Db;
  let store: MongoConversationStore;

  beforeEach(async () => {
    database = await useTestDatabase();
    db = database.db;
    store = new MongoConversationStore(db);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('applies a turn left half-committed by a crash on the next load, once', async () => {
    const first = await store.commitTurn(
      answerTurn(alice, null, 'q1', text('avant'), { inboundId: 'w:1' }),
    );
    if (first.kind !== 'committed') throw new Error(first.kind);
    const { participantId } = first;
    const crashed = answerTurn(alice, await store.load(alice), 'q2', text('après'), {
      inboundId: 'w:2',
    });
    await commitThenCrash(db, participantId, crashed, ['w:1']);
    expect(await raw(db, 'answers').countDocuments({ questionId: 'q2' })).toBe(0);

    const loaded = await restarted(db).load(alice);
    expect(loaded?.version).toBe(2);
    expect(loaded?.state.answers).toEqual({ q1: text('avant'), q2: text('après') });
    expect(await raw(db, 'answers').findOne({ questionId: 'q2' })).toMatchObject({
      value: text('après'),
      history: [{ value: text('après') }],
    });
    expect(await raw(db, 'participants').findOne({ _id: participantId })).toMatchObject({
      sessionVersion: 2,
    });
    expect(await store.wasProcessed('w:2')).toBe(true);

    // Loaded again by another process: replaying the same outbox adds nothing.
    await raw(db, 'participants').updateOne(
      { _id: participantId },
      { $set: { sessionVersion: 1 } },
    );
    await Promise.all([restarted(db).load(alice), restarted(db).load(alice)]);
    const answers = await raw(db, 'answers')
      .find({ participantId })
      .sort({ questionId: 1 })
      .toArray();
    expect(answers.map((a) => a.history.length)).toEqual([1, 1]);
    expect(await raw(db, 'transcripts').countDocuments({ participantId })).toBe(2); // two turns
    expect(await raw(db, 'participants').findOne({ _id: participantId })).toMatchObject({
      sessionVersion: 2,
    });
  });

  it('lets two processes finish the same half-committed turn without doubling anything', async () => {
    const first = await store.commitTurn(buildTurn(alice, null));
    if (first.kind !== 'committed') throw new Error(first.kind);
    const crashed = answerTurn(alice, await store.load(alice), 'q1', text('tout juste'));
    await commitThenCrash(db, first.participantId, crashed, [], new Date());
    const loads = await Promise.all([restarted(db).load(alice), restarted(db).load(alice)]);
    expect(loads.map((l) => l?.version)).toEqual([2, 2]);
    const answers = await raw(db, 'answers').find({ questionId: 'q1' }).toArray();
    expect(answers.map((a) => a.history.length)).toEqual([1]);
    const turn = await raw(db, 'transcripts')
      .find({ participantId: first.participantId, turn: 2 })
      .toArray();
    expect(turn.map((t) => t.lines)).toEqual([crashed.transcript]);
  });

  it('recognises a redelivery older than the recent inbound ids', async () => {
    let loaded = null;
    for (let i = 0; i < 22; i += 1) {
      await store.commitTurn(
        answerTurn(alice, loaded, `q${i}`, text('x'), { inboundId: `w:${i}` }),
      );
      loaded = await store.load(alice);
    }
    expect(loaded?.recentInboundIds).toHaveLength(20);
    expect(loaded?.recentInboundIds).not.toContain('w:0');
    const late = answerTurn(alice, loaded, 'q0', text('again'), { inboundId: 'w:0' });
    expect(await store.commitTurn(late)).toEqual({ kind: 'duplicate' });
  });

  it('applies a leftover outbox before committing a turn built on it', async () => {
    const first = await store.commitTurn(buildTurn(alice, null));
    if (first.kind !== 'committed') throw new Error(first.kind);
    const loaded = await store.load(alice);
    const crashed = answerTurn(alice, loaded, 'q1', text('un'));
    await commitThenCrash(db, first.participantId, crashed, []);
    const next = answerTurn(
      alice,
      {
        participantId: first.participantId,
        version: 2,
        state: crashed.state,
        recentInboundIds: [],
      },
      'q2',
      text('deux'),
    );
    expect(await store.commitTurn(next)).toMatchObject({ kind: 'committed', version: 3 });
    const questions = await raw(db, 'answers')
      .find({ participantId: first.participantId })
      .sort({ questionId: 1 })
      .toArray();
    expect(questions.map((a) => a.value)).toEqual([text('un'), text('deux')]);
  });

  it('keeps superseded versions as tombstones so a stale turn can never commit', async () => {
    await store.commitTurn(buildTurn(alice, null));
    const v1 = await store.load(alice);
    await store.commitTurn(answerTurn(alice, v1, 'q1', text('a')));
    await store.commitTurn(answerTurn(alice, await store.load(alice), 'q2', text('b')));
    await store.compact(); // else done once no turn was committed for a second
    const versions = await raw(db, 'sessions')
      .find({ participantId: v1?.participantId })
      .sort({ version: 1 })
      .toArray();
    expect(versions.map((v) => [v.version, 'state' in v])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(await store.commitTurn(answerTurn(alice, v1, 'q9', text('stale')))).toEqual({
      kind: 'conflict',
    });
    expect(await raw(db, 'answers').countDocuments({ questionId: 'q9' })).toBe(0);
  });

  it('adopts an identity whose creator crashed before writing the session', async () => {
    await raw(db, 'identities').insertOne({
      _id: 'web:alice',
      channel: 'web',
      externalId: 'alice',
      participantId: 'orphan-id',
      createdAt: new Date(),
    });
    expect(await store.load(alice)).toBeNull();
    expect(await store.commitTurn(buildTurn(alice, null))).toEqual({
      kind: 'committed',
      participantId: 'orphan-id',
      version: 1,
    });
  });

  it('refuses a turn for a participant deleted meanwhile, without re-creating anything', async () => {
    await store.commitTurn(buildTurn(alice, null));
    const loaded = await store.load(alice);
    await store.deleteParticipant(loaded?.participantId ?? '');
    expect(
      await store.commitTurn(answerTurn(alice, loaded, 'q1', text('après suppression'))),
    ).toEqual({ kind: 'conflict' });
    await expectErased(db);
  });

  it('refuses a turn built on what was loaded before a deletion, and erases what it wrote', async () => {
    await store.commitTurn(buildTurn(alice, null, {}, { inboundId: 'w:1' }));
    const loaded = await store.load(alice);
    await store.deleteParticipant(loaded?.participantId ?? '');
    const turn = answerTurn(alice, loaded, 'q1', text('après suppression'), { inboundId: 'w:2' });
    const outcome = await store.commitTurn({
      ...turn,
      recentInboundIds: loaded?.recentInboundIds,
      inboundChecked: true,
    });
    expect(outcome).toEqual({ kind: 'conflict' });
    await expectErased(db);
  });

  it('refuses, in any process, a turn built before a deletion interrupted after its marker', async () => {
    await store.commitTurn(buildTurn(alice, null, {}, { inboundId: 'w:1' }));
    const loaded = await store.load(alice);
    const participantId = loaded?.participantId ?? '';
    // A deletion's first step only, by another process: the session's last version says so.
    const at = new Date();
    await raw(db, 'sessions').insertOne({
      _id: `${participantId}:2`,
      participantId,
      version: 2,
      at,
      committedAt: at,
      deleted: true,
    });
    const turn = answerTurn(alice, loaded, 'q1', text('pendant la suppression'));
    expect(await store.commitTurn({ ...turn, recentInboundIds: loaded?.recentInboundIds })).toEqual(
      { kind: 'conflict' },
    );
    expect(await raw(db, 'answers').countDocuments({})).toBe(0);
    expect(await restarted(db).load(alice)).toBeNull();
  });

  it('reports a corrupt state document clearly instead of using it', async () => {
    const outcome = await store.commitTurn(buildTurn(alice, null));
    if (outcome.kind !== 'committed') throw new Error(outcome.kind);
    const stored = await raw(db, 'sessions').findOne({ _id: `${outcome.participantId}:1` });
    const state: unknown = JSON.parse(String(stored?.state));
    await raw(db, 'sessions').updateOne(
      { _id: `${outcome.participantId}:1` },
      { $set: { state: JSON.stringify({ ...Object(state), stage: 'flying' }) } },
    );
    const error: unknown = await restarted(db)
      .load(alice)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'corrupt_document' });
    expect(String(error)).toMatch(new RegExp(`sessions/${outcome.participantId}:1 .*stage`));
    await store.deleteParticipant(outcome.participantId);
    await expectErased(db);
  });

  it('refuses to write a state that does not match the schema, and writes nothing', async () => {
    const bad = buildTurn(alice, null, { state: (s) => ({ ...s, answers: { 'a.b': text('x') } }) });
    await expect(store.commitTurn(bad)).rejects.toMatchObject({
      name: 'StorageError',
      code: 'invalid_document',
    });
    expect(await raw(db, 'identities').countDocuments({})).toBe(0);
    expect(await raw(db, 'sessions').countDocuments({})).toBe(0);
  });

  it('refuses inconsistent turns as programming errors', async () => {
    await expect(
      store.commitTurn({ ...buildTurn(alice, null), expectedVersion: 3 }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(
      store.commitTurn({ ...buildTurn(alice, null), participantId: 'x' }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
