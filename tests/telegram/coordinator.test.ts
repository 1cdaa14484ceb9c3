import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoordinatorLinkCommand } from '../../bot/coordinators/coordinator-link-command.js';
import { createCoordinatorLink } from '../../storage/coordinator-repository.js';
import type { WaveDoc } from '../../storage/reminder-documents.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { seededDatabase, startTelegramBot, type BotUnderTest } from './start-telegram-bot.js';
import { startOnly, wholeQuestionnaire } from './whole-questionnaire.js';

let fake: FakeTelegramApi;
let database: TestDatabase;
let bot: BotUnderTest;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  database = await seededDatabase();
  bot = await startTelegramBot({ fake, mode: 'webhook', database });
  await wholeQuestionnaire(bot.chat({ id: 3101 }));
  await startOnly(bot.chat({ id: 3102 }));
});

afterAll(async () => {
  await bot?.stop();
  await database?.drop();
  await fake?.close();
});

describe('Telegram coordinators', () => {
  it('refuses /stats and /remind to someone who is not a coordinator', async () => {
    const chat = bot.chat({ id: 3201 });
    await chat.send('/stats');
    chat.expectReply(/réservée aux coordinateurs/);
    await chat.send('/remind');
    chat.expectReply(/réservée aux coordinateurs/);
    await chat.send('/coordinator NOTAREALCODE1');
    chat.expectReply(/pas valable/);
  });

  it('links an account with a one-time code, then shows figures for its councils only', async () => {
    const { code } = await createCoordinatorLink(database.db, {
      name: 'Nadia',
      councilIds: ['QN05981M'],
    });
    expect(code.length).toBeGreaterThanOrEqual(10);
    const chat = bot.chat({ id: 3301 });
    await chat.send(`/coordinator ${code}`);
    chat.expectReply(/C'est fait, Nadia/);
    const intruder = bot.chat({ id: 3302 });
    await intruder.send(`/coordinator ${code}`);
    intruder.expectReply(/déjà servi/);

    await chat.send('/stats');
    const stats = chat.expectReply(/Nouveau Roubaix/);
    expect(stats).toMatch(/participants : 2/);
    expect(stats).toMatch(/en cours : 1/);
    expect(stats).toMatch(/terminé : 1/);
    expect(stats).toMatch(/injoignables : 0/);
    expect(stats).toMatch(/Éducation : 1/);
    expect(stats).not.toMatch(/Phalempins/);
  });

  it('previews a reminder, and creates the wave only once confirmed', async () => {
    const { code } = await createCoordinatorLink(database.db, {
      name: 'Karim',
      councilIds: ['QN05981M', 'QN05983M'],
    });
    const chat = bot.chat({ id: 3401, language_code: 'en' });
    await chat.send(`/coordinator ${code}`);
    const waves = database.db.collection<WaveDoc>('reminder_waves');

    await chat.send('/remind');
    chat.expectReply(/will go to 1 participant/);
    await chat.tap('cancel');
    expect(chat.shownMessages().at(-1)?.text).toMatch(/cancelled/);
    expect(await waves.countDocuments()).toBe(0);

    await chat.send('/remind');
    await chat.tap('confirm');
    expect(chat.shownMessages().at(-1)?.text).toMatch(/reminder to 1 participant/);
    expect(chat.shownMessages().at(-1)?.replyMarkup).toBeUndefined();
    const [wave] = await waves.find().toArray();
    expect(wave).toMatchObject({
      councilIds: ['QN05981M', 'QN05983M'],
      origin: { kind: 'coordinator', telegramUserId: 3401, lang: 'en' },
      state: 'planning',
    });
  });

  it('creates a link from the command line, refusing unknown councils', async () => {
    const lines: string[] = [];
    const refused = await createCoordinatorLinkCommand(
      database.db,
      { name: 'Léa', councilIds: ['QN05981M', 'QN99999X'] },
      (line) => lines.push(line),
    );
    expect(refused).toBe(1);
    expect(lines.join('\n')).toMatch(/unknown council\(s\): QN99999X/);
    lines.length = 0;
    expect(
      await createCoordinatorLinkCommand(
        database.db,
        { name: 'Léa', councilIds: ['qn05981m'] },
        (l) => lines.push(l),
      ),
    ).toBe(0);
    const code = /\/coordinator (\w+)/.exec(lines.join('\n'))?.[1] ?? '';
    const chat = bot.chat({ id: 3501 });
    await chat.send(`/coordinator ${code}`);
    chat.expectReply(/C'est fait, Léa/);
  });
});
