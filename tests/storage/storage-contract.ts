import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyTurnEffects,
  eraseParticipant,
  redeemContinuationCode,
} from '../../storage/apply-turn-effects.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import type {
  CommitOutcome,
  LoadedParticipant,
  Storage,
  StoredAnswer,
  TurnCommit,
} from '../../storage/storage.js';
import {
  answerCommit,
  consultationId,
  questionnaireVersion,
  text,
  turnCommit,
} from './turn-commit.js';

export interface StorageUnderTest {
  storage: Storage;
  cleanup(): Promise<void>;
}

const alice: ChannelIdentity = { channel: 'telegram', externalId: '1001' };
const bob: ChannelIdentity = { channel: 'web', externalId: 'bob' };
const t1 = new Date('2017-11-23T09:00:00Z');
const t2 = new Date('2017-11-23T09:05:00Z');

/**
 * What every Storage must do, through its public interface only. Run it from the
 * implementation's own test file with a factory that gives a fresh, empty storage.
 */
export function storageContract(name: string, make: () => Promise<StorageUnderTest>): void {
  describe(`${name} — Storage contract`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ storage, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    async function commit(turn: TurnCommit): Promise<{ participantId: string; version: number }> {
      const outcome = await storage.participants.commit(turn);
      if (outcome.kind !== 'committed') throw new Error(`expected a commit, got ${outcome.kind}`);
      await applyTurnEffects(storage, outcome.participantId, consultationId, turn.lastTurn);
      return outcome;
    }
    async function load(identity: ChannelIdentity): Promise<LoadedParticipant> {
      const loaded = await storage.participants.load(identity);
      if (loaded === null) throw new Error('nothing loaded');
      return loaded;
    }
    async function answersOf(participantId: string): Promise<StoredAnswer[]> {
      const all: StoredAnswer[] = [];
      for await (const answer of storage.answers.stream({})) all.push(answer);
      return all.filter((a) => a.participantId === participantId);
    }

    it('creates a participant on the first turn, without consent, and loads it back', async () => {
      expect(await storage.participants.load(alice)).toBeNull();
      const first = turnCommit(alice, null, { inboundId: 'tg:1', at: t1 });
      const { participantId, version } = await commit(first);
      expect(participantId).toMatch(/^[0-9a-f-]{36}$/);
      expect(version).toBe(1);
      expect(await load(alice)).toEqual({
        participantId,
        version: 1,
        state: first.state,
        recentInboundIds: ['tg:1'],
        lastTurn: first.lastTurn,
      });
      expect(await storage.participants.get(participantId)).toMatchObject({
        participantId,
        version: 1,
        identities: [alice],
        consultationId,
        lang: 'fr',
        status: 'consent_pending',
        progress: { answered: 0, themesCompleted: [], themesLeft: 6 },
        remindersOff: false,
        unreachable: false,
        reminders: { received: 0 },
        createdAt: t1,
        updatedAt: t1,
      });
      expect((await storage.participants.get(participantId))?.consent).toBeUndefined();
      expect(await storage.transcripts.has(participantId, 1)).toBe(false);
      expect(await storage.participants.load({ channel: 'web', externalId: '1001' })).toBeNull();
    });

    it('round-trips the state as a document and increments the version on every turn', async () => {
      let loaded: LoadedParticipant | null = null;
      for (const [i, questionId] of ['edu_marche', 'edu_idees', 'edu_avec'].entries()) {
        const outcome = await commit(
          answerCommit(alice, loaded, questionId, text(`réponse ${i} « é »`)),
        );
        expect(outcome.version).toBe(i + 1);
        loaded = await load(alice);
      }
      expect(loaded?.version).toBe(3);
      expect(loaded?.state.answers).toEqual({
        edu_marche: text('réponse 0 « é »'),
        edu_idees: text('réponse 1 « é »'),
        edu_avec: text('réponse 2 « é »'),
      });
      expect(loaded?.state.stage).toBe('questions');
    });

    it('refuses a turn built on a stale version, and keeps the state', async () => {
      await commit(turnCommit(alice, null));
      const loaded = await load(alice);
      await commit(answerCommit(alice, loaded, 'edu_marche', text('first')));
      expect(
        await storage.participants.commit(
          answerCommit(alice, loaded, 'edu_marche', text('second')),
        ),
      ).toEqual({ kind: 'conflict' });
      expect((await load(alice)).state.answers).toEqual({ edu_marche: text('first') });
    });

    it('applies an inbound id once, and gives back the replies of the last turn', async () => {
      const first = turnCommit(alice, null, { inboundId: 'tg:1' });
      await commit(first);
      // A redelivery built on the same load, and one built on a fresh load, are both refused.
      expect(await storage.participants.commit(first)).toEqual({
        kind: 'duplicate',
        lastTurn: first.lastTurn,
      });
      const second = answerCommit(alice, await load(alice), 'edu_marche', text('a'), {
        inboundId: 'tg:2',
        replies: [{ text: 'Question suivante' }],
      });
      await commit(second);
      expect(
        await storage.participants.commit(
          answerCommit(alice, await load(alice), 'edu_marche', text('b'), { inboundId: 'tg:1' }),
        ),
      ).toEqual({ kind: 'duplicate' });
      // The redelivery of the last turn, built on the load before it: its replies come back.
      expect(await storage.participants.commit(second)).toEqual({
        kind: 'duplicate',
        lastTurn: second.lastTurn,
      });
      expect((await load(alice)).version).toBe(2);
    });

    it('commits exactly one of two concurrent deliveries of the same message', async () => {
      const kinds = (outcomes: CommitOutcome[]) => outcomes.map((o) => o.kind).sort();
      const first = turnCommit(alice, null, { inboundId: 'tg:1' });
      expect(
        kinds(
          await Promise.all([
            storage.participants.commit(first),
            storage.participants.commit(first),
          ]),
        ),
      ).toEqual(['committed', 'duplicate']);
      const loaded = await load(alice);
      const second = answerCommit(alice, loaded, 'edu_marche', text('x'), { inboundId: 'tg:2' });
      expect(
        kinds(
          await Promise.all([
            storage.participants.commit(second),
            storage.participants.commit(second),
          ]),
        ),
      ).toEqual(['committed', 'duplicate']);
      expect(await storage.participants.count({})).toBe(1);
    });

    it(
      'keeps every answer exactly once when 20 turns race on one participant',
      { timeout: 90_000 },
      async () => {
        const { participantId } = await commit(turnCommit(alice, null));
        async function answer(i: number): Promise<void> {
          for (let attempt = 1; attempt <= 200; attempt += 1) {
            const turn = answerCommit(alice, await load(alice), `q${i}`, text(`answer ${i}`), {
              inboundId: `tg:${i}`,
            });
            const outcome = await storage.participants.commit(turn);
            if (outcome.kind === 'committed') {
              await applyTurnEffects(storage, participantId, consultationId, turn.lastTurn);
              return;
            }
            expect(outcome.kind).toBe('conflict');
          }
          throw new Error(`turn ${i} never committed`);
        }
        await Promise.all(Array.from({ length: 20 }, (_, i) => answer(i)));
        const loaded = await load(alice);
        expect(loaded.version).toBe(21);
        const questions = Array.from({ length: 20 }, (_, i) => `q${i}`).sort();
        expect(Object.keys(loaded.state.answers).sort()).toEqual(questions);
        const stored = await answersOf(participantId);
        expect(stored.map((a) => a.questionId).sort()).toEqual(questions);
        for (const a of stored) expect(a.history).toEqual([]);
        for (let version = 2; version <= 21; version += 1)
          expect(await storage.transcripts.has(participantId, version)).toBe(true);
        expect(await storage.participants.count({})).toBe(1);
      },
    );

    it('keeps the current answer, its label and the previous values; a replay changes nothing', async () => {
      await commit(turnCommit(alice, null));
      const v1 = answerCommit(
        alice,
        await load(alice),
        'mob_idees',
        { kind: 'choice', choiceId: 'bus' },
        { at: t1 },
      );
      v1.lastTurn.answers = [
        {
          questionId: 'mob_idees',
          value: { kind: 'choice', choiceId: 'bus' },
          label: 'Bus',
          questionnaireVersion,
        },
      ];
      const { participantId } = await commit(v1);
      const changed = { kind: 'choice' as const, choiceId: 'other', other: 'tandem' };
      const v2 = answerCommit(alice, await load(alice), 'mob_idees', changed, { at: t2 });
      v2.lastTurn.answers = [
        {
          questionId: 'mob_idees',
          value: changed,
          label: 'Autre',
          text: 'tandem',
          questionnaireVersion,
        },
      ];
      await commit(v2);
      const expected = {
        participantId,
        questionId: 'mob_idees',
        consultationId,
        value: changed,
        label: 'Autre',
        text: 'tandem',
        questionnaireVersion,
        channel: 'telegram',
        answeredAt: t1,
        updatedAt: t2,
        turn: 3,
        history: [
          {
            value: { kind: 'choice', choiceId: 'bus' },
            label: 'Bus',
            questionnaireVersion,
            channel: 'telegram',
            at: t1,
            turn: 2,
          },
        ],
      };
      expect(await answersOf(participantId)).toEqual([expected]);
      // Repairing either turn again (a crash, another process) rolls nothing back.
      await applyTurnEffects(storage, participantId, consultationId, v2.lastTurn);
      await applyTurnEffects(storage, participantId, consultationId, v1.lastTurn);
      expect(await answersOf(participantId)).toEqual([expected]);
    });

    it('writes one transcript per consented turn, once, with what was said in order', async () => {
      const { participantId } = await commit(turnCommit(alice, null, { at: t1 }));
      const turn = answerCommit(alice, await load(alice), 'edu_marche', text('oui'), {
        at: t2,
        replies: [{ text: 'Merci', choices: [{ id: 'a', label: 'A' }] }, { text: 'Suite' }],
      });
      await commit(turn);
      await applyTurnEffects(storage, participantId, consultationId, turn.lastTurn);
      expect(await storage.transcripts.has(participantId, 1)).toBe(false);
      expect(await storage.transcripts.has(participantId, 2)).toBe(true);
      await storage.transcripts.remove(participantId, 2);
      expect(await storage.transcripts.has(participantId, 2)).toBe(false);
    });

    it('follows consent, council, role, language, reminders, reachability and completion', async () => {
      const { participantId } = await commit(
        turnCommit(alice, null, {
          state: (s) => ({ ...s, consented: true, councilId: 'QN05981M', stage: 'questions' }),
          consent: { at: t1, textVersion: '2017-11-22' },
          at: t1,
        }),
      );
      expect(await storage.participants.get(participantId)).toMatchObject({
        councilId: 'QN05981M',
        consent: { at: t1, textVersion: '2017-11-22' },
        status: 'not_started',
      });
      await commit(
        answerCommit(alice, await load(alice), 'role', { kind: 'choice', choiceId: 'tire' }),
      );
      expect(await storage.participants.get(participantId)).toMatchObject({
        role: 'tire',
        status: 'in_progress',
        progress: { answered: 1 },
      });
      await commit(
        turnCommit(alice, await load(alice), {
          state: (s) => ({
            ...s,
            lang: 'en',
            remindersOff: true,
            unreachable: true,
            completed: true,
            councilId: undefined,
            completedThemes: ['education', 'emploi'],
            answers: { ...s.answers, role: { kind: 'skipped' } },
            stage: 'done',
          }),
          completedAt: t2,
          at: t2,
        }),
      );
      const participant = await storage.participants.get(participantId);
      expect(participant).toMatchObject({
        consent: { at: t1, textVersion: '2017-11-22' },
        lang: 'en',
        remindersOff: true,
        unreachable: true,
        status: 'completed',
        progress: { answered: 0, themesCompleted: ['education', 'emploi'], themesLeft: 4 },
        completedAt: t2,
        lastActivityAt: t2,
      });
      expect(participant?.councilId).toBeUndefined();
      expect(participant?.role).toBeUndefined();
    });

    it('lists and counts participants by consultation, council and status, remindable or not', async () => {
      const inCouncil = (councilId: string, extra: object = {}) =>
        turnCommit(alice, null, {
          state: (s) => ({ ...s, consented: true, councilId, stage: 'questions', ...extra }),
        });
      await commit(inCouncil('QN05981M'));
      await commit({ ...inCouncil('QN05981M', { remindersOff: true }), identity: bob });
      await commit({ ...inCouncil('QN05983M'), identity: { channel: 'console', externalId: 'c' } });
      await commit({
        ...turnCommit(alice, null),
        identity: { channel: 'console', externalId: 'd' },
      });
      const councils = ['QN05981M'];
      expect(await storage.participants.count({ councilIds: councils })).toBe(2);
      expect(await storage.participants.count({ councilIds: councils, remindable: true })).toBe(1);
      expect(await storage.participants.count({ statuses: ['consent_pending'] })).toBe(1);
      expect(await storage.participants.count({ consultationId })).toBe(4);
      expect(await storage.participants.count({ consultationId: 'another' })).toBe(0);
      const listed = [];
      for await (const p of storage.participants.list({ councilIds: ['QN05983M'] })) listed.push(p);
      expect(listed.map((p) => p.identities)).toEqual([[{ channel: 'console', externalId: 'c' }]]);
      expect(listed[0]).not.toHaveProperty('state');
    });

    it('carries an identity over with a continuation code, once, and counts wrong codes', async () => {
      const consented = turnCommit(alice, null, {
        state: (s) => ({ ...s, consented: true, stage: 'questions' }),
      });
      const { participantId } = await commit(consented);
      await storage.codes.issue('K7QHM3PX', participantId, t1);
      // Bob opened the page (a first turn, not consented) before typing the code.
      const { participantId: stub } = await commit({ ...turnCommit(bob, null), identity: bob });
      expect(await redeemContinuationCode(storage, bob, 'K7QHM3PX', t1)).toBe('linked');
      expect((await load(bob)).participantId).toBe(participantId);
      expect((await storage.participants.get(participantId))?.identities).toEqual([alice, bob]);
      // What Bob had begun without consenting is no one's now.
      expect(await storage.participants.get(stub)).toBeNull();
      // Used once; then wrong tries count against the identity, even a right code is refused.
      const carol: ChannelIdentity = { channel: 'web', externalId: 'carol' };
      expect(await redeemContinuationCode(storage, carol, 'K7QHM3PX', t1)).toBe('invalid');
      await storage.codes.issue('ABCDEFGH', participantId, t1);
      for (let i = 0; i < 4; i += 1) await redeemContinuationCode(storage, carol, 'ZZZZZZZZ', t1);
      expect(await redeemContinuationCode(storage, carol, 'ABCDEFGH', t1)).toBe('too_many');
      // Ten minutes on, the tries are forgiven and the code (valid 30 minutes) works.
      const later = new Date(t1.getTime() + 11 * 60_000);
      expect(await redeemContinuationCode(storage, carol, 'ABCDEFGH', later)).toBe('linked');
    });

    it('says when a code moved an identity away from a participant who had consented', async () => {
      const { participantId } = await commit(turnCommit(alice, null));
      const { participantId: bobs } = await commit({
        ...turnCommit(bob, null, { state: (s) => ({ ...s, consented: true }) }),
        identity: bob,
      });
      await storage.codes.issue('K7QHM3PX', participantId, t1);
      expect(await redeemContinuationCode(storage, bob, 'K7QHM3PX', t1)).toBe('moved');
      expect((await storage.participants.get(bobs))?.identities).toEqual([]);
      const expired = new Date(t1.getTime() + 31 * 60_000);
      await storage.codes.issue('ABCDEFGH', participantId, t1);
      expect(await redeemContinuationCode(storage, alice, 'ABCDEFGH', expired)).toBe('invalid');
    });

    it('erases a participant everywhere and keeps only an anonymous count', async () => {
      const { participantId } = await commit(
        answerCommit(alice, null, 'edu_marche', text('secret')),
      );
      await commit(answerCommit(alice, await load(alice), 'edu_idees', text('aussi')));
      await storage.codes.issue('K7QHM3PX', participantId, t1);
      const other = await commit(answerCommit(bob, null, 'edu_marche', text('kept')));
      // Wrong codes tried from Alice's chat name it: they go with her (10 minutes at most otherwise).
      for (let i = 0; i < 5; i += 1) await redeemContinuationCode(storage, alice, 'ZZZZZZZZ', t1);
      expect(await redeemContinuationCode(storage, alice, 'ZZZZZZZZ', t1)).toBe('too_many');
      const erase = { version: 2, deletion: { questionIds: ['edu_marche', 'edu_idees'] } };
      await eraseParticipant(storage, participantId, consultationId, erase);
      await eraseParticipant(storage, participantId, consultationId, erase);
      expect(await storage.participants.load(alice)).toBeNull();
      expect(await storage.participants.get(participantId)).toBeNull();
      expect(await answersOf(participantId)).toEqual([]);
      expect(await storage.transcripts.has(participantId, 1)).toBe(false);
      expect(await storage.transcripts.has(participantId, 2)).toBe(false);
      expect(await redeemContinuationCode(storage, bob, 'K7QHM3PX', t1)).toBe('invalid');
      expect(await answersOf(other.participantId)).toHaveLength(1);
      expect(await storage.transcripts.has(other.participantId, 1)).toBe(true);
      // The same identity writing again is someone new, with no wrong tries held against it.
      const again = await commit(turnCommit(alice, null));
      expect(again.participantId).not.toBe(participantId);
      expect(await redeemContinuationCode(storage, alice, 'ZZZZZZZZ', t1)).toBe('invalid');
    });

    it('records which Telegram messages of an update were sent, each once', async () => {
      const sent = storage.telegramSent;
      expect(await sent.sent('tg:7:1', 3)).toEqual(new Set());
      await sent.record('tg:7:1', 0, t1);
      await sent.record('tg:7:1', 2, t1);
      // Recorded again by a second delivery of the update: nothing changes, nothing fails.
      await sent.record('tg:7:1', 2, t2);
      await sent.record('tg:7:12', 1, t1);
      expect(await sent.sent('tg:7:1', 3)).toEqual(new Set([0, 2]));
      expect(await sent.sent('tg:7:1', 2)).toEqual(new Set([0]));
      expect(await sent.sent('tg:7:12', 3)).toEqual(new Set([1]));
      expect(await sent.sent('tg:7:2', 3)).toEqual(new Set());
      expect(await sent.sent('tg:7:1', 0)).toEqual(new Set());
    });

    it('records the messages of concurrent turns, each of them', async () => {
      const updates = Array.from({ length: 30 }, (_, i) => `tg:7:${100 + i}`);
      await Promise.all(
        updates.flatMap((id) => [0, 1].map((index) => storage.telegramSent.record(id, index, t1))),
      );
      for (const id of updates)
        expect(await storage.telegramSent.sent(id, 3)).toEqual(new Set([0, 1]));
    });

    it('stores operator-like and dotted user text as plain data', async () => {
      const sneaky: ChannelIdentity = { channel: 'web', externalId: '{"$gt": ""}' };
      const dollar: ChannelIdentity = { channel: 'web', externalId: '$where' };
      const { participantId } = await commit(answerCommit(sneaky, null, 'q1', text('{"$gt": ""}')));
      await commit(answerCommit(sneaky, await load(sneaky), 'q2', text('$where')));
      await commit(
        answerCommit(sneaky, await load(sneaky), 'q3', {
          kind: 'choice',
          choiceId: 'other',
          other: 'a.b',
        }),
      );
      expect(await storage.participants.load(dollar)).toBeNull();
      await commit({ ...turnCommit(dollar, null, { inboundId: '$where' }), identity: dollar });
      expect((await answersOf(participantId)).map((a) => a.value)).toEqual([
        text('{"$gt": ""}'),
        text('$where'),
        { kind: 'choice', choiceId: 'other', other: 'a.b' },
      ]);
      expect((await storage.participants.get(participantId))?.identities).toEqual([sneaky]);
      expect((await load(dollar)).recentInboundIds).toEqual(['$where']);
      expect(await storage.participants.count({ councilIds: ['{"$ne": null}'] })).toBe(0);
    });

    it('refuses to write a state whose answer keys are not safe field names, and writes nothing', async () => {
      const bad = turnCommit(alice, null, {
        state: (s) => ({ ...s, answers: { 'a.b': text('x') } }),
      });
      await expect(storage.participants.commit(bad)).rejects.toMatchObject({
        name: 'StorageError',
        code: 'invalid_document',
      });
      expect(await storage.participants.load(alice)).toBeNull();
      expect(await storage.participants.count({})).toBe(0);
    });
  });
}
