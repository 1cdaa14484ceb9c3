// The whole feature as people meet it on Telegram: a coordinator's /remind reaches their
// councils only, the reminder's buttons are turns of the engine, /stats says what was sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoordinatorCommands } from '../../bot/coordinators/coordinator-commands.js';
import { allTargetStatuses } from '../../bot/reminders/plan-wave.js';
import type { ReminderService } from '../../bot/reminders/reminder-service.js';
import { startReminderService } from '../../bot/reminders/start-reminder-service.js';
import { createCoordinatorLink } from '../../storage/coordinator-repository.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';
import {
  seededDatabase,
  startTelegramBot,
  type BotUnderTest,
} from '../telegram/start-telegram-bot.js';
import { TestClock } from './reminder-harness.js';
import { seededId, seedParticipants } from './seed-participants.js';

let fake: FakeTelegramApi;
let database: TestDatabase;
let bot: BotUnderTest;
let reminders: ReminderService;
const clock = new TestClock(new Date('2017-11-28T10:00:00+01:00'));

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  database = await seededDatabase();
  bot = await startTelegramBot({
    fake,
    mode: 'webhook',
    database,
    // The coordinators' commands on the test's clock, as the sender below.
    patch: (runtime) => ({
      ...runtime,
      coordinators: createCoordinatorCommands({
        ...runtime,
        storage: runtime.storage,
        now: clock.now,
      }),
    }),
  });
  await seedParticipants(database.db, [
    { chatId: 1001, councilId: 'QN05981M', themesDone: 2 },
    { chatId: 1002, councilId: 'QN05981M', status: 'not_started' },
    { chatId: 1003, councilId: 'QN05983M', themesDone: 1 },
    { chatId: 1004, councilId: 'QN05981M', status: 'completed' },
  ]);
  reminders = startReminderService(bot.runtime, { now: clock.now });
});

afterAll(async () => {
  await reminders?.stop();
  await bot?.stop();
  await database?.drop();
  await fake?.close();
});

/** Waits for something the bot does on its own (the sender runs beside the test). */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('timed out waiting for the bot');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a coordinator reminds their councils', () => {
  it('reaches their councils only, then reports what was really sent', async () => {
    const { code } = await createCoordinatorLink(database.db, {
      name: 'Nadia',
      councilIds: ['QN05981M'],
    });
    const nadia = bot.chat({ id: 4001 });
    await nadia.send(`/coordinator ${code}`);
    await nadia.send('/remind');
    const preview = nadia.expectReply(/partira vers 2 participant/);
    expect(preview).toMatch(/Il part dès que vous confirmez/);
    expect(preview).toMatch(/« Bonjour ! Un petit rappel/);
    await nadia.tap('confirm');
    expect(nadia.shownMessages().at(-1)?.text).toMatch(
      /C'est parti : le rappel vers 2 participant/,
    );
    await eventually(() =>
      fake.chatMessages(4001).some((m) => /Votre rappel est terminé/.test(m.text)),
    );
    const done = fake.chatMessages(4001).at(-1)?.text ?? '';
    expect(done).toMatch(/2 envoyé\(s\), 0 en attente .*, 0 non envoyé\(s\)/);
    expect(fake.chatMessages(1001)).toHaveLength(1);
    expect(fake.chatMessages(1002)).toHaveLength(1);
    // Another council's member, and someone who finished: nothing.
    expect(fake.chatMessages(1003)).toEqual([]);
    expect(fake.chatMessages(1004)).toEqual([]);

    await nadia.send('/stats');
    const stats = nadia.expectReply(/Nouveau Roubaix/);
    expect(stats).toMatch(/rappels : 2 envoyé\(s\), 0 en attente, 0 non envoyé\(s\), 0 en échec/);
    expect(stats).not.toMatch(/Phalempins/);
  });

  it('« Continuer » resumes at their question; « Ne plus me rappeler » stops the reminders', async () => {
    const awa = bot.chat({ id: 1001 });
    await awa.tap('/resume');
    awa.expectReply(/Bon retour/);
    awa.expectReply(/Thème 3\/6/);
    expect(fake.chatMessages(1001)[0]?.text).toMatch(/✅ Continuer$/);
    expect(fake.chatMessages(1001)[0]?.replyMarkup).toBeUndefined();

    const karim = bot.chat({ id: 1002 });
    await karim.tap('/stop');
    karim.expectReply(/vous ne recevrez plus de rappels/);
    expect(await bot.runtime.storage.participants.get(seededId(1002))).toMatchObject({
      remindersOff: true,
      version: 2,
    });

    clock.advanceHours(25);
    const wave = await reminders.request({
      origin: { kind: 'admin' },
      statuses: allTargetStatuses,
    });
    await eventually(
      async () => (await bot.runtime.reminders.repository.wave(wave._id))?.state === 'done',
    );
    const after = await bot.runtime.reminders.repository.wave(wave._id);
    expect(after?.counts).toEqual({ QN05981M: { sent: 1, skipped: 1 }, QN05983M: { sent: 1 } });
    expect(fake.chatMessages(1002).filter((m) => /petit rappel/.test(m.text))).toHaveLength(1);
  });
});
