import { afterEach, describe, expect, it } from 'vitest';
import { allTargetStatuses, newWave, planWave } from '../../bot/reminders/plan-wave.js';
import { reminderHarness, TestClock, type Harness } from './reminder-harness.js';
import { seededId, seedParticipants } from './seed-participants.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const admin = { origin: { kind: 'admin' as const }, statuses: allTargetStatuses };

async function start(
  at: string,
  options: Parameters<typeof reminderHarness>[0] extends infer O ? Partial<O> : never = {},
) {
  const clock = new TestClock(new Date(at));
  harness = await reminderHarness({ clock, ...options });
  return { h: harness, clock };
}

describe('reminder text and buttons', () => {
  it('names the deadline in Paris time and what is left, in the participant language', async () => {
    const { h } = await start('2017-11-28T10:00:00+01:00');
    await seedParticipants(h.database.db, [
      { chatId: 101, themesDone: 4 },
      { chatId: 102, status: 'not_started', lang: 'en' },
      { chatId: 103, themesDone: 5 },
    ]);
    const service = h.service();
    await service.request(admin);
    await service.drain();
    const [fr] = h.sentTo(101);
    expect(fr).toMatch(/se termine le mardi 5 décembre 2017 à 23:59/);
    expect(fr).toMatch(/Il vous reste 2 thèmes sur 6/);
    expect(h.sentTo(103)[0]).toMatch(/Il vous reste 1 thème sur 6/);
    const [en] = h.sentTo(102);
    expect(en).toMatch(/closes on Tuesday, 5 December 2017 at 23:59/);
    expect(en).toMatch(/not answered yet/);
    const buttons = h.fake.chatMessages(101)[0]?.replyMarkup?.inline_keyboard.flat();
    expect(buttons).toEqual([
      { text: 'Continuer', callback_data: '_reminder:/resume' },
      { text: 'Ne plus me rappeler', callback_data: '_reminder:/stop' },
    ]);
  });
});

describe('quiet hours', () => {
  it('keeps a reminder asked for at night until 9:00, then sends it', async () => {
    const { h, clock } = await start('2017-11-28T21:30:00+01:00');
    await seedParticipants(h.database.db, [{ chatId: 201 }]);
    const service = h.service();
    const wave = await service.request(admin);
    expect(wave.notBefore.toISOString()).toBe('2017-11-29T08:00:00.000Z');
    await service.drain();
    expect(h.sentTo(201)).toEqual([]);
    clock.set('2017-11-29T08:59:00+01:00');
    await service.drain();
    expect(h.sentTo(201)).toEqual([]);
    clock.set('2017-11-29T09:00:00+01:00');
    await service.drain();
    expect(h.sentTo(201)).toHaveLength(1);
    expect((await h.wave(wave._id)).state).toBe('done');
  });

  it('stops a wave that reaches 20:00 and finishes it the next morning', async () => {
    const clock = new TestClock(new Date('2017-11-28T19:59:00+01:00'));
    let sends = 0;
    harness = await reminderHarness({
      clock,
      workers: 1,
      transports: (telegram) => [
        {
          channel: 'telegram',
          send: async (target, message) => {
            const result = await telegram.send(target, message);
            sends += 1;
            if (sends === 3) clock.set('2017-11-28T20:00:00+01:00');
            return result;
          },
        },
      ],
    });
    const h = harness;
    await seedParticipants(
      h.database.db,
      Array.from({ length: 8 }, (_, i) => ({ chatId: 300 + i })),
    );
    const service = h.service({ workers: 1 });
    const wave = await service.request(admin);
    await service.drain();
    expect(h.fake.callsOf('sendMessage')).toHaveLength(3);
    const waiting = await h.wave(wave._id);
    expect(waiting.state).toBe('sending');
    expect(waiting.notBefore.toISOString()).toBe('2017-11-29T08:00:00.000Z');
    clock.set('2017-11-29T09:00:00+01:00');
    await service.drain();
    expect(h.fake.callsOf('sendMessage')).toHaveLength(8);
    expect((await h.wave(wave._id)).counts['_none']).toEqual({ sent: 8 });
  });
});

describe('caps, spacing and the deadline', () => {
  it('sends at most 3 per participant, at least 24 h apart, and nothing after closing', async () => {
    const { h, clock } = await start('2017-11-28T10:00:00+01:00');
    await seedParticipants(h.database.db, [{ chatId: 401 }]);
    const service = h.service();
    const send = async () => {
      const wave = await service.request(admin);
      await service.drain();
      return (await h.deliveries(wave._id))[0];
    };
    expect(await send()).toMatchObject({ state: 'sent' });
    clock.advanceHours(23);
    expect(await send()).toMatchObject({ state: 'skipped', reason: 'too_soon' });
    clock.advanceHours(2);
    expect(await send()).toMatchObject({ state: 'sent' });
    clock.advanceHours(25);
    expect(await send()).toMatchObject({ state: 'sent' });
    clock.advanceHours(25);
    expect(await send()).toMatchObject({ state: 'skipped', reason: 'cap_reached' });
    expect(h.sentTo(401)).toHaveLength(3);
    const participant = await h.storage.participants.get(seededId(401));
    expect(participant?.reminders.received).toBe(3);

    await seedParticipants(h.database.db, [{ chatId: 402 }]);
    clock.set('2017-12-06T10:00:00+01:00');
    expect(await send()).toMatchObject({ state: 'skipped', reason: 'deadline_passed' });
    expect(h.sentTo(402)).toEqual([]);
    expect(h.sentTo(401)).toHaveLength(3);
  });

  it('skips at send time whoever opted out or was erased since the plan', async () => {
    const { h, clock } = await start('2017-11-28T10:00:00+01:00');
    await seedParticipants(h.database.db, [
      { chatId: 501 },
      { chatId: 502 },
      { chatId: 503 },
      { chatId: 504, remindersOff: true },
      { chatId: 505, unreachable: true },
      { chatId: 506, status: 'completed' },
    ]);
    const wave = newWave(admin, h.consultation, clock.now());
    await h.repository.createWave(wave);
    const planner = { ...h, participants: h.storage.participants, now: clock.now };
    expect(await planWave(wave, { ...planner, owner: 'test', leaseMs: 10_000 })).toBe(true);
    const planned = await h.deliveries(wave._id);
    expect(planned.map((d) => [d.participantId, d.state, d.reason ?? ''])).toEqual(
      expect.arrayContaining([
        [seededId(501), 'queued', ''],
        [seededId(504), 'skipped', 'opted_out'],
        [seededId(505), 'skipped', 'unreachable'],
      ]),
    );
    // Finished people are not even planned.
    expect(planned.some((d) => d.participantId === seededId(506))).toBe(false);
    // Between the plan and the send: one says « stop », another erases everything.
    const who = (id: number) => ({ channel: 'telegram' as const, externalId: String(id) });
    await h.handleTurn(who(501), { kind: 'command', command: 'stop' });
    await h.handleTurn(who(502), { kind: 'command', command: 'delete' });
    await h.handleTurn(who(502), { kind: 'choice', promptId: '_delete', choiceId: 'yes' });
    expect(await h.storage.participants.get(seededId(502))).toBeNull();
    await h.service().drain();
    const sent = await h.deliveries(wave._id);
    const reasonOf = (id: number) => sent.find((d) => d.participantId === seededId(id))?.reason;
    expect(reasonOf(501)).toBe('opted_out');
    expect(reasonOf(502)).toBe('deleted');
    expect(h.sentTo(501)).toEqual([]);
    expect(h.sentTo(502)).toEqual([]);
    expect(h.sentTo(503)).toHaveLength(1);
    expect((await h.wave(wave._id)).counts['_none']).toEqual({ sent: 1, skipped: 4 });
  });
});
