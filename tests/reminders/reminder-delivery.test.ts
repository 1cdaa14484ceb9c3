import { afterEach, describe, expect, it } from 'vitest';
import { allTargetStatuses } from '../../bot/reminders/plan-wave.js';
import { scheduledSlots } from '../../bot/reminders/reminder-schedule.js';
import { reminderHarness, TestClock, type Harness } from './reminder-harness.js';
import { seededId, seedParticipants } from './seed-participants.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const admin = { origin: { kind: 'admin' as const }, statuses: allTargetStatuses };
const schedule = [
  { daysBefore: 7, at: '10:00' },
  { daysBefore: 3, at: '10:00' },
  { daysBefore: 0, at: '09:00' },
];

describe('the schedule', () => {
  it('puts the defaults at 7 and 3 days before, and on the last morning, in Paris time', async () => {
    harness = await reminderHarness({ clock: new TestClock(new Date()), reminders: { schedule } });
    const slots = scheduledSlots(harness.consultation);
    expect(slots.map((s) => s.at.toISOString())).toEqual([
      '2017-11-28T09:00:00.000Z',
      '2017-12-02T09:00:00.000Z',
      '2017-12-05T08:00:00.000Z',
    ]);
  });

  it('creates each scheduled wave once, whichever process gets there first', async () => {
    const clock = new TestClock(new Date('2017-11-28T09:59:00+01:00'));
    harness = await reminderHarness({ clock, reminders: { schedule } });
    const h = harness;
    await seedParticipants(h.database.db, [{ chatId: 601 }, { chatId: 602, themesDone: 3 }]);
    const [one, two] = [h.service(), h.service()];
    await Promise.all([one.drain(), two.drain()]);
    expect(await h.repository.listWaves()).toEqual([]);
    clock.set('2017-11-28T10:00:00+01:00');
    await Promise.all([one.drain(), two.drain(), one.drain()]);
    const waves = await h.repository.listWaves();
    expect(waves.map((w) => [w._id, w.state])).toEqual([
      ['schedule:cc2017:2017-11-28T09:00:00.000Z', 'done'],
    ]);
    expect(h.sentTo(601)).toHaveLength(1);
    expect(h.sentTo(602)).toHaveLength(1);
    // Three days before: the next one; the last morning: the third. Nothing after closing.
    clock.set('2017-12-02T10:30:00+01:00');
    await one.drain();
    clock.set('2017-12-05T09:00:00+01:00');
    await two.drain();
    clock.set('2017-12-06T09:00:00+01:00');
    await one.drain();
    expect((await h.repository.listWaves()).map((w) => w.state)).toEqual(['done', 'done', 'done']);
    expect(h.sentTo(601)).toHaveLength(3);
  });
});

describe('what Telegram answers', () => {
  it('marks someone who blocked the bot unreachable, through a turn, and skips them next time', async () => {
    const clock = new TestClock(new Date('2017-11-28T10:00:00+01:00'));
    harness = await reminderHarness({ clock });
    const h = harness;
    await seedParticipants(h.database.db, [{ chatId: 701 }, { chatId: 702 }]);
    h.fake.block(701);
    const service = h.service();
    const wave = await service.request(admin);
    await service.drain();
    const [blocked] = (await h.deliveries(wave._id)).filter(
      (d) => d.participantId === seededId(701),
    );
    expect(blocked).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/^unreachable: 403/),
    });
    const participant = await h.storage.participants.get(seededId(701));
    expect(participant).toMatchObject({ unreachable: true, version: 2 });
    // Not delivered, so not counted against their caps.
    expect(participant?.reminders.received).toBe(0);
    clock.advanceHours(25);
    const next = await service.request(admin);
    await service.drain();
    expect((await h.deliveries(next._id)).map((d) => d.reason ?? d.state)).toEqual(
      expect.arrayContaining(['unreachable', 'sent']),
    );
  });

  it('honours a 429 retry_after: the delivery waits and goes once', async () => {
    const clock = new TestClock(new Date('2017-11-28T10:00:00+01:00'));
    harness = await reminderHarness({ clock });
    const h = harness;
    await seedParticipants(h.database.db, [{ chatId: 801 }, { chatId: 802 }]);
    h.fake.failNext('sendMessage', 1, 429);
    const service = h.service({ workers: 1 });
    const started = performance.now();
    const wave = await service.request(admin);
    await service.drain();
    const calls = h.fake.callsOf('sendMessage');
    expect(calls).toHaveLength(3);
    // The retry (and the other participant) waited retry_after (1 s) after the 429.
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.sentTo(801)).toHaveLength(1);
    expect(h.sentTo(802)).toHaveLength(1);
    expect((await h.wave(wave._id)).counts['_none']).toEqual({ sent: 2 });
  });
});

describe('no way to notify them', () => {
  it('keeps the reminder for their next visit, says it first then, once', async () => {
    const clock = new TestClock(new Date('2017-11-28T10:00:00+01:00'));
    harness = await reminderHarness({ clock });
    const h = harness;
    // A terminal participant: no reminder transport reaches the console.
    await seedParticipants(h.database.db, [{ chatId: 901, channel: 'console', themesDone: 4 }]);
    const service = h.service();
    const wave = await service.request(admin);
    await service.drain();
    expect((await h.deliveries(wave._id))[0]).toMatchObject({ state: 'held' });
    const who = { channel: 'console' as const, externalId: '901' };
    const first = await h.handleTurn(who, { kind: 'command', command: 'resume' });
    expect(first.replies[0]?.text).toMatch(
      /^Pour rappel :\nIl se termine le mardi 5 décembre 2017 à 23:59\.\nIl vous reste 2 thèmes sur 6/,
    );
    expect(first.replies[1]?.text).toMatch(/Bon retour/);
    expect((await h.deliveries(wave._id))[0]).toMatchObject({ state: 'shown' });
    const second = await h.handleTurn(who, { kind: 'command', command: 'resume' });
    expect(second.replies.map((r) => r.text).join('\n')).not.toMatch(/Pour rappel/);
    expect((await h.wave(wave._id)).counts['_none']).toEqual({ held: 1 });
  });
});
