import type { Db } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ChannelIdentity,
  CommitOutcome,
  ConversationStore,
  TurnToCommit,
} from '../../storage/conversation-store.js';
import { transcriptDocSchema } from '../../storage/documents.js';
import { answerTurn, buildTurn, consultationId, questionnaireVersion, text } from './build-turn.js';
import { raw } from './raw-collection.js';

export interface StoreUnderTest {
  store: ConversationStore;
  db: Db;
  cleanup(): Promise<void>;
}

const alice: ChannelIdentity = { channel: 'telegram', externalId: '1001' };
const t1 = new Date('2017-11-23T09:00:00Z');
const t2 = new Date('2017-11-23T09:05:00Z');

/**
 * What every ConversationStore must do, checked against the stored collections. Run it from
 * the implementation's own test file with a factory that gives a fresh, empty database.
 */
export function conversationStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`${name} — ConversationStore contract`, () => {
    let store: ConversationStore;
    let db: Db;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, db, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    async function commit(turn: TurnToCommit): Promise<{ participantId: string; version: number }> {
      const outcome = await store.commitTurn(turn);
      if (outcome.kind !== 'committed') throw new Error(`expected a commit, got ${outcome.kind}`);
      return outcome;
    }

    it('creates a participant on the first turn and loads it back', async () => {
      expect(await store.load(alice)).toBeNull();
      const { participantId, version } = await commit(
        buildTurn(alice, null, {}, { inboundId: 'tg:1' }),
      );
      expect(participantId).toMatch(/^[0-9a-f-]{36}$/);
      expect(version).toBe(1);
      const loaded = await store.load(alice);
      expect({ ...loaded, fromCache: undefined }).toEqual({
        participantId,
        version: 1,
        state: buildTurn(alice, null).state,
        recentInboundIds: ['tg:1'],
      });
      // Nothing about the person but their identity and session before they agree.
      expect(await raw(db, 'participants').countDocuments({ _id: participantId })).toBe(0);
      await commit(
        buildTurn(
          alice,
          loaded,
          {
            state: (s) => ({ ...s, consented: true, stage: 'council' }),
            events: [{ type: 'consent_given' }],
          },
          { at: t1 },
        ),
      );
      const participant = await raw(db, 'participants').findOne({ _id: participantId });
      expect(participant).toMatchObject({
        identities: [alice],
        consultationId,
        lang: 'fr',
        status: 'started',
        consentedAt: t1,
        createdAt: t1,
        sessionVersion: 2,
      });
      expect(await store.load({ channel: 'web', externalId: '1001' })).toBeNull();
    });

    it('round-trips the state and increments the version on every turn', async () => {
      let stored = null;
      for (const [i, questionId] of ['q1', 'q2', 'q3'].entries()) {
        const outcome = await commit(
          answerTurn(alice, stored, questionId, text(`réponse ${i} « é »`)),
        );
        expect(outcome.version).toBe(i + 1);
        stored = await store.load(alice);
      }
      expect(stored?.version).toBe(3);
      expect(stored?.state.answers).toEqual({
        q1: text('réponse 0 « é »'),
        q2: text('réponse 1 « é »'),
        q3: text('réponse 2 « é »'),
      });
      expect(stored?.state.stage).toBe('questions');
    });

    it('refuses a turn built on a stale version', async () => {
      await commit(buildTurn(alice, null));
      const loaded = await store.load(alice);
      await commit(answerTurn(alice, loaded, 'q1', text('first')));
      expect(await store.commitTurn(answerTurn(alice, loaded, 'q1', text('second')))).toEqual({
        kind: 'conflict',
      });
      expect((await store.load(alice))?.state.answers).toEqual({ q1: text('first') });
    });

    it('applies an inbound id once, and remembers it', async () => {
      const first = buildTurn(alice, null, {}, { inboundId: 'tg:1' });
      await commit(first);
      expect(await store.commitTurn(first)).toEqual({ kind: 'duplicate' });
      const loaded = await store.load(alice);
      await commit(answerTurn(alice, loaded, 'q1', text('a'), { inboundId: 'tg:2' }));
      expect(
        await store.commitTurn(
          answerTurn(alice, await store.load(alice), 'q1', text('b'), { inboundId: 'tg:2' }),
        ),
      ).toEqual({
        kind: 'duplicate',
      });
      expect(await store.wasProcessed('tg:2')).toBe(true);
      expect(await store.wasProcessed('tg:3')).toBe(false);
      expect((await store.load(alice))?.version).toBe(2);
    });

    it('commits exactly one of two concurrent deliveries of the same message', async () => {
      const kinds = (outcomes: CommitOutcome[]) => outcomes.map((o) => o.kind).sort();
      const first = buildTurn(alice, null, {}, { inboundId: 'tg:1' });
      expect(kinds(await Promise.all([store.commitTurn(first), store.commitTurn(first)]))).toEqual([
        'committed',
        'duplicate',
      ]);
      const loaded = await store.load(alice);
      const second = answerTurn(alice, loaded, 'q1', text('x'), { inboundId: 'tg:2' });
      expect(
        kinds(await Promise.all([store.commitTurn(second), store.commitTurn(second)])),
      ).toEqual(['committed', 'duplicate']);
      expect(await raw(db, 'answers').countDocuments({})).toBe(1);
      expect(await raw(db, 'participants').countDocuments({})).toBe(1);
      expect(await raw(db, 'identities').countDocuments({})).toBe(1);
    });

    it(
      'keeps every answer exactly once when 20 turns race on one participant',
      { timeout: 90_000 },
      async () => {
        async function handler(i: number): Promise<number> {
          for (let attempt = 1; attempt <= 200; attempt += 1) {
            const loaded = await store.load(alice);
            const outcome = await store.commitTurn(
              answerTurn(alice, loaded, `q${i}`, text(`answer ${i}`), { inboundId: `tg:${i}` }),
            );
            if (outcome.kind === 'committed') return attempt;
            expect(outcome.kind).toBe('conflict');
          }
          throw new Error(`turn ${i} never committed`);
        }
        await Promise.all(Array.from({ length: 20 }, (_, i) => handler(i)));
        const loaded = await store.load(alice);
        expect(loaded?.version).toBe(20);
        expect(Object.keys(loaded?.state.answers ?? {}).sort()).toEqual(
          Array.from({ length: 20 }, (_, i) => `q${i}`).sort(),
        );
        const answers = await raw(db, 'answers')
          .find({ participantId: loaded?.participantId })
          .toArray();
        expect(answers.map((a) => a.questionId).sort()).toEqual(
          Object.keys(loaded?.state.answers ?? {}).sort(),
        );
        for (const answer of answers) expect(answer.history).toHaveLength(1);
        expect(
          await raw(db, 'transcripts').countDocuments({ participantId: loaded?.participantId }),
        ).toBe(20);
        expect(await raw(db, 'participants').countDocuments({})).toBe(1);
      },
    );

    it('keeps the current answer and its history when an answer changes', async () => {
      await commit(
        answerTurn(alice, null, 'mobilite', { kind: 'choice', choiceId: 'bus' }, { at: t1 }),
      );
      const loaded = await store.load(alice);
      await commit(
        answerTurn(
          alice,
          loaded,
          'mobilite',
          { kind: 'choice', choiceId: 'velo', other: 'tandem' },
          { at: t2 },
        ),
      );
      const answer = await raw(db, 'answers').findOne({
        participantId: loaded?.participantId,
        questionId: 'mobilite',
      });
      expect(answer).toMatchObject({
        consultationId,
        value: { kind: 'choice', choiceId: 'velo', other: 'tandem' },
        questionnaireVersion,
        answeredAt: t1,
        updatedAt: t2,
        history: [
          { value: { kind: 'choice', choiceId: 'bus' }, questionnaireVersion, at: t1 },
          {
            value: { kind: 'choice', choiceId: 'velo', other: 'tandem' },
            questionnaireVersion,
            at: t2,
          },
        ],
      });
    });

    it('writes the transcript with channel, direction and time', async () => {
      const { participantId } = await commit(buildTurn(alice, null, {}, { at: t1 }));
      await commit(answerTurn(alice, await store.load(alice), 'q1', text('oui'), { at: t2 }));
      const turns = (
        await raw(db, 'transcripts').find({ participantId }).sort({ turn: 1 }).toArray()
      ).map((doc) => transcriptDocSchema.parse(doc));
      expect(turns.map((t) => t.turn)).toEqual([1, 2]);
      const lines = turns.flatMap(({ channel, at, lines }) =>
        lines.map((line) => ({ channel, at, ...line })),
      );
      expect(
        lines.map(({ channel, direction, text, choiceIds, at }) => ({
          channel,
          direction,
          text,
          choiceIds,
          at,
        })),
      ).toEqual([
        { channel: 'telegram', direction: 'in', text: 'bonjour', choiceIds: undefined, at: t1 },
        {
          channel: 'telegram',
          direction: 'out',
          text: 'Bienvenue',
          choiceIds: ['yes', 'no'],
          at: t1,
        },
        { channel: 'telegram', direction: 'in', text: 'oui', choiceIds: undefined, at: t2 },
      ]);
    });

    it('follows consent, council, language, reminders and completion on the participant', async () => {
      const { participantId } = await commit(
        buildTurn(
          alice,
          null,
          {
            state: (s) => ({ ...s, consented: true, councilId: 'QN05981M', stage: 'questions' }),
            events: [
              { type: 'consent_given' },
              { type: 'council_selected', councilId: 'QN05981M' },
            ],
          },
          { at: t1 },
        ),
      );
      await commit(answerTurn(alice, await store.load(alice), 'q1', text('oui'), { at: t1 }));
      await commit(
        buildTurn(
          alice,
          await store.load(alice),
          {
            state: (s) => ({
              ...s,
              lang: 'en',
              remindersOff: true,
              completed: true,
              stage: 'done',
            }),
            events: [
              { type: 'language_changed', lang: 'en' },
              { type: 'reminders_opted_out' },
              { type: 'questionnaire_completed' },
            ],
          },
          { at: t2 },
        ),
      );
      const participant = await raw(db, 'participants').findOne({ _id: participantId });
      expect(participant).toMatchObject({
        councilId: 'QN05981M',
        consentedAt: t1,
        lang: 'en',
        remindersOff: true,
        unreachable: false,
        status: 'completed',
        completedAt: t2,
        lastActivityAt: t2,
      });
      expect(await raw(db, 'answers').findOne({ participantId })).toMatchObject({
        councilId: 'QN05981M',
      });
    });

    it('deletes everything personal and keeps only an anonymous count', async () => {
      const { participantId } = await commit(answerTurn(alice, null, 'q1', text('secret')));
      const bob: ChannelIdentity = { channel: 'web', externalId: 'bob' };
      const other = await commit(answerTurn(bob, null, 'q1', text('kept')));
      await store.deleteParticipant(participantId);
      await store.deleteParticipant(participantId);
      for (const collection of ['answers', 'transcripts']) {
        expect(await raw(db, collection).countDocuments({ participantId })).toBe(0);
        expect(
          await raw(db, collection).countDocuments({ participantId: other.participantId }),
        ).toBe(1);
      }
      // Only tombstones remain: ids, versions and times, which keep stale turns from committing.
      expect(await raw(db, 'sessions').countDocuments({ participantId })).toBeGreaterThan(0);
      for (const field of ['state', 'outbox', 'councilId', 'recentInboundIds'])
        expect(
          await raw(db, 'sessions').countDocuments({ participantId, [field]: { $exists: true } }),
        ).toBe(0);
      expect(await raw(db, 'participants').countDocuments({ _id: participantId })).toBe(0);
      expect(await raw(db, 'identities').countDocuments({ participantId })).toBe(0);
      expect(await store.load(alice)).toBeNull();
      expect(await raw(db, 'deletions').find().toArray()).toEqual([
        { _id: consultationId, count: 1 },
      ]);
      await store.deleteParticipant(other.participantId);
      expect(await raw(db, 'deletions').findOne({ _id: consultationId })).toEqual({
        _id: consultationId,
        count: 2,
      });
    });

    it('stores operator-like and dotted user text as plain data', async () => {
      const sneaky: ChannelIdentity = { channel: 'web', externalId: '{"$gt": ""}' };
      const dollar: ChannelIdentity = { channel: 'web', externalId: '$where' };
      const { participantId } = await commit(answerTurn(sneaky, null, 'q1', text('{"$gt": ""}')));
      const loaded = await store.load(sneaky);
      await commit(answerTurn(sneaky, loaded, 'q2', text('$where')));
      await commit(
        answerTurn(sneaky, await store.load(sneaky), 'q3', {
          kind: 'choice',
          choiceId: 'autre',
          other: 'a.b',
        }),
      );
      expect(await store.load(dollar)).toBeNull();
      expect(await store.load({ channel: 'web', externalId: 'a.b' })).toBeNull();
      await commit(buildTurn(dollar, null, {}, { inboundId: '$where' }));
      const values = await raw(db, 'answers')
        .find({ participantId })
        .sort({ questionId: 1 })
        .toArray();
      expect(values.map((a) => a.value)).toEqual([
        text('{"$gt": ""}'),
        text('$where'),
        { kind: 'choice', choiceId: 'autre', other: 'a.b' },
      ]);
      expect(await raw(db, 'identities').findOne({ participantId })).toMatchObject({
        externalId: '{"$gt": ""}',
      });
      expect((await store.load(dollar))?.recentInboundIds).toEqual(['$where']);
      expect(await store.wasProcessed('$where')).toBe(true);
      expect(await store.wasProcessed('{"$gt": ""}')).toBe(false);
    });
  });
}
