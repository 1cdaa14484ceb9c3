import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTurnHandler, type TurnHandler } from '../../bot/handle-turn.js';
import type { EngineInput } from '../../dialogs/engine-input.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import { memoryStorage } from '../../storage/memory-storage.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import type { Storage, StoredAnswer } from '../../storage/storage.js';
import { engineContext } from '../helpers/engine-context.js';
import { useTestDatabase } from '../helpers/test-database.js';

const { consultation, catalog, councils } = engineContext('2017-11-23T10:00:00+01:00');
const consent: EngineInput = { kind: 'choice', promptId: '_consent', choiceId: 'yes' };
const role: EngineInput = { kind: 'choice', promptId: 'role', choiceId: 'tire' };
const invited: EngineInput = { kind: 'start', payload: 'RBX7KQ' };
const awa: ChannelIdentity = { channel: 'console', externalId: 'awa' };
const web: ChannelIdentity = { channel: 'web', externalId: 'dl_awa' };

const storages: [string, () => Promise<{ storage: Storage; cleanup(): Promise<void> }>][] = [
  ['memory', async () => ({ storage: memoryStorage(), cleanup: async () => undefined })],
  [
    'MongoDB',
    async () => {
      const { db, drop } = await useTestDatabase();
      return { storage: mongoStorage(db), cleanup: drop };
    },
  ],
];

/** Fails the first call of one storage method, as a crash or an outage right there would. */
function failingOnce<T extends object>(target: T, method: keyof T): T {
  let failed = false;
  return new Proxy(target, {
    get(object, key, receiver) {
      const value: unknown = Reflect.get(object, key, receiver);
      if (key !== method || failed || typeof value !== 'function') return value;
      return () => {
        failed = true;
        return Promise.reject(new Error('connection lost'));
      };
    },
  });
}

for (const [name, make] of storages) {
  describe(`handleTurn on ${name} storage`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let handleTurn: TurnHandler;
    let inbound = 0;
    const say = (who: ChannelIdentity, input: EngineInput, inboundId = `in:${(inbound += 1)}`) =>
      handleTurn(who, input, { inboundId });
    const handlerOn = (on: Storage) =>
      createTurnHandler({
        storage: on,
        engine: { consultation, catalog, councils },
        now: () => new Date('2017-11-23T10:00:00+01:00'),
      });
    async function answers(): Promise<StoredAnswer[]> {
      const all: StoredAnswer[] = [];
      for await (const a of storage.answers.stream({})) all.push(a);
      return all;
    }

    beforeEach(async () => {
      ({ storage, cleanup } = await make());
      handleTurn = handlerOn(storage);
    });
    afterEach(async () => {
      await cleanup();
    });

    it('keeps nothing typed before consent, then the consent with its text version', async () => {
      const first = await say(awa, { kind: 'text', text: 'Bonjour, je suis Awa du 3e étage' });
      const participantId = first.participantId ?? '';
      expect((await storage.participants.load(awa))?.lastTurn.inbound).toBeUndefined();
      expect(await storage.transcripts.has(participantId, 1)).toBe(false);
      expect(await storage.participants.get(participantId)).toMatchObject({
        status: 'consent_pending',
      });
      await say(awa, consent);
      expect(await storage.participants.get(participantId)).toMatchObject({
        status: 'not_started',
        consent: { textVersion: '2017-11-22' },
      });
      expect(await storage.transcripts.has(participantId, 2)).toBe(true);
    });

    it('replies only once the answer is stored; a redelivery after a crash finishes it and gets the replies', async () => {
      await say(awa, invited);
      await say(awa, consent);
      const broken = handlerOn({ ...storage, answers: failingOnce(storage.answers, 'record') });
      // The turn is committed, its answer is not: no reply comes back.
      await expect(broken(awa, role, { inboundId: 'in:role' })).rejects.toThrow('connection lost');
      expect(await answers()).toEqual([]);
      const again = await handleTurn(awa, role, { inboundId: 'in:role' });
      expect(again.duplicate).toBe(true);
      expect(again.replies.at(-1)?.promptId).toBe('edu_marche');
      expect((await answers()).map((a) => [a.questionId, a.value])).toEqual([
        ['role', { kind: 'choice', choiceId: 'tire' }],
      ]);
      const participantId = (await storage.participants.load(awa))?.participantId ?? '';
      expect(await storage.transcripts.has(participantId, 3)).toBe(true);
    });

    it('processes a redelivered message once', async () => {
      await say(awa, invited);
      const first = await say(awa, consent, 'in:consent');
      const again = await say(awa, consent, 'in:consent');
      expect(again).toMatchObject({ duplicate: true, replies: first.replies, events: [] });
      await say(awa, role, 'in:role');
      // An older message delivered again: nothing happens, nothing is sent.
      expect(await say(awa, consent, 'in:consent')).toMatchObject({ duplicate: true, replies: [] });
      expect((await storage.participants.load(awa))?.version).toBe(3);
      expect(await answers()).toHaveLength(1);
    });

    it(
      'loses and duplicates nothing when 20 messages of one person race',
      { timeout: 90_000 },
      async () => {
        await say(awa, invited);
        await say(awa, consent);
        await say(awa, role);
        const texts = Array.from({ length: 20 }, (_, i) => `idée numéro ${i}`);
        const turns = await Promise.all(texts.map((t) => say(awa, { kind: 'text', text: t })));
        const loaded = await storage.participants.load(awa);
        expect(loaded?.version).toBe(23);
        const stored = await answers();
        const recorded = turns.flatMap((t) => t.events).filter((e) => e.type === 'answer_recorded');
        const changed = turns.flatMap((t) => t.events).filter((e) => e.type === 'answer_changed');
        expect(stored).toHaveLength(1 + recorded.length);
        for (const answer of stored) {
          expect(answer.value).toEqual(loaded?.state.answers[answer.questionId]);
          expect(answer.history).toHaveLength(
            changed.filter((e) => e.questionId === answer.questionId).length,
          );
        }
        for (let version = 4; version <= 23; version += 1)
          expect(await storage.transcripts.has(loaded?.participantId ?? '', version)).toBe(true);
      },
    );

    it('erases everything when the person asks, through the engine; they come back as someone new', async () => {
      await say(awa, invited);
      await say(awa, consent);
      await say(awa, role);
      const { participantId } = await say(awa, { kind: 'command', command: 'code' });
      await say(awa, { kind: 'command', command: 'delete' });
      const erased = await say(awa, { kind: 'choice', promptId: '_delete', choiceId: 'yes' });
      expect(erased.events.map((e) => e.type)).toContain('data_deletion_requested');
      expect(erased.replies.map((r) => r.text).join(' ')).toMatch(/effacées/);
      expect(await storage.participants.get(participantId ?? '')).toBeNull();
      expect(await answers()).toEqual([]);
      for (let version = 1; version <= 6; version += 1)
        expect(await storage.transcripts.has(participantId ?? '', version)).toBe(false);
      expect(await storage.participants.load(awa)).toBeNull();
      const next = await say(awa, invited);
      expect(next.events.map((e) => e.type)).toContain('session_started');
      expect(next.participantId).not.toBe(participantId);
    });

    it('continues on another channel with a code, through the engine, once', async () => {
      await say(awa, invited);
      await say(awa, consent);
      await say(awa, role);
      const issued = await say(awa, { kind: 'command', command: 'code' });
      const code = /([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})/.exec(issued.replies[0]?.text ?? '')?.[1];
      expect(issued.events).toContainEqual({ type: 'continuation_code_issued', code });
      await say(web, { kind: 'start' });
      const redeemed = await say(web, { kind: 'text', text: code?.toLowerCase() ?? '' }, 'in:code');
      expect(redeemed.replies[0]?.text).toMatch(/Code accepté/);
      expect(redeemed.replies.at(-1)?.promptId).toBe('edu_marche');
      expect(redeemed.participantId).toBe(issued.participantId);
      expect(await say(web, { kind: 'text', text: code ?? '' }, 'in:code')).toMatchObject({
        duplicate: true,
        replies: redeemed.replies,
      });
      const other: ChannelIdentity = { channel: 'web', externalId: 'dl_other' };
      const refused = await say(other, { kind: 'text', text: code ?? '' });
      expect(refused.replies.map((r) => r.text)).toEqual([expect.stringMatching(/pas valable/)]);
    });

    it('marks someone unreachable without replying, until they write again', async () => {
      expect(await handleTurn(awa, { kind: 'undeliverable' })).toMatchObject({ replies: [] });
      expect(await storage.participants.load(awa)).toBeNull();
      const { participantId } = await say(awa, { kind: 'start' });
      const blocked = await handleTurn(awa, { kind: 'undeliverable' });
      expect(blocked.replies).toEqual([]);
      expect(blocked.events).toEqual([{ type: 'participant_unreachable' }]);
      expect(await storage.participants.get(participantId ?? '')).toMatchObject({
        unreachable: true,
      });
      const back = await say(awa, consent);
      expect(back.events[0]).toEqual({ type: 'participant_reachable' });
      expect(await storage.participants.get(participantId ?? '')).toMatchObject({
        unreachable: false,
      });
    });
  });
}
