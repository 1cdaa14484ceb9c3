// An update Telegram delivers again (the process died after the turn was committed, before the
// 200): the turn is not applied twice, and only the messages not recorded as sent in
// `telegram_sent` go out again. A crash is played by deleting records (what a kill -9 between a
// `sendMessage` and its record leaves) and posting the same update again.
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Runtime } from '../../bot/start-runtime.js';
import { FakeTelegramApi, fakeBotInfo, UpdateFactory } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { raw } from '../storage/raw-collection.js';
import { seededDatabase, startTelegramBot, type BotUnderTest } from './start-telegram-bot.js';

let fake: FakeTelegramApi;
let database: TestDatabase;
let bot: BotUnderTest;
let updates: UpdateFactory;

/** A second question after the engine's: every turn then makes two Telegram messages. */
const secondPrompt: EngineReply = {
  text: 'Et une seconde question, pour ce test ?',
  promptId: 'test_second',
  choices: [
    { id: 'a', label: 'Première' },
    { id: 'b', label: 'Seconde' },
  ],
};

const twoMessagesATurn = (runtime: Runtime): Runtime => ({
  ...runtime,
  handleTurn: async (identity, input, meta) => {
    const turn = await runtime.handleTurn(identity, input, meta);
    return turn.replies.length === 0 ? turn : { ...turn, replies: [...turn.replies, secondPrompt] };
  },
});

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  updates = new UpdateFactory(fake);
  database = await seededDatabase();
  bot = await startTelegramBot({ fake, mode: 'webhook', database, patch: twoMessagesATurn });
});

afterAll(async () => {
  await bot?.stop();
  await database?.drop();
  await fake?.close();
});

const user = (id: number) => ({ id, is_bot: false, first_name: 'Awa', language_code: 'fr' });

/** Posts the update (as Telegram does, until 200) and returns the calls it made to the chat. */
async function deliver(target: BotUnderTest, update: Update, chatId: number) {
  const mark = fake.calls.length;
  const response = await target.post(update);
  expect(response.status).toBe(200);
  const calls = fake.calls.slice(mark).filter((c) => Number(c.params.chat_id) === chatId);
  return {
    texts: calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.params.text)),
    edits: calls.filter((c) => c.method.startsWith('edit')).length,
  };
}

const records = (update: Update) => {
  const inboundId = `tg:${fakeBotInfo.id}:${update.update_id}`;
  const ids = [0, 1, 2].map((index) => `${inboundId}|${index}`);
  return {
    ids,
    stored: async () =>
      (await raw(database.db, 'telegram_sent').distinct('_id', { _id: { $in: ids } })).sort(),
    forget: (...indexes: number[]) =>
      raw(database.db, 'telegram_sent').deleteMany({
        _id: { $in: indexes.map((index) => `${inboundId}|${index}`) },
      }),
  };
};

async function versionOf(chatId: number): Promise<number | undefined> {
  const identity = await raw(database.db, 'identities').findOne({ _id: `telegram:${chatId}` });
  const participant = await raw(database.db, 'participants').findOne({
    _id: String(identity?.participantId),
  });
  return participant?.version;
}

describe('a Telegram update delivered again after a crash', () => {
  it('sends only the messages not recorded as sent: the second, then none, then all', async () => {
    const update = updates.text(user(5001), '/start RBX7KQ');
    const sent = records(update);
    const first = await deliver(bot, update, 5001);
    expect(first.texts).toHaveLength(2);
    expect(first.texts[0]).toMatch(/Acceptez-vous/);
    expect(first.texts[1]).toBe(secondPrompt.text);
    expect(await sent.stored()).toEqual(sent.ids.slice(0, 2));

    // The crash came after the first message was recorded, before the second was.
    await sent.forget(1);
    expect((await deliver(bot, update, 5001)).texts).toEqual([secondPrompt.text]);
    expect(await sent.stored()).toEqual(sent.ids.slice(0, 2));

    // The crash came after both were recorded, before the 200.
    expect((await deliver(bot, update, 5001)).texts).toEqual([]);

    // The crash came before anything was recorded (or the records were lost with it).
    await sent.forget(0, 1);
    expect((await deliver(bot, update, 5001)).texts).toEqual(first.texts);
    expect(await sent.stored()).toEqual(sent.ids.slice(0, 2));
    // Four deliveries, one turn.
    expect(await versionOf(5001)).toBe(1);
  });

  it('settles a tapped question once, and sends a tap’s messages that had not gone', async () => {
    const chat = bot.chat(user(5002));
    await chat.send('/start RBX7KQ');
    const tap = chat.tapUpdate('yes');
    const sent = records(tap);
    const first = await deliver(bot, tap, 5002);
    expect(first.edits).toBe(1);
    expect(first.texts).toEqual([expect.stringMatching(/conseil citoyen/), secondPrompt.text]);

    const again = await deliver(bot, tap, 5002);
    expect(again).toEqual({ texts: [], edits: 0 });

    await sent.forget(1);
    expect(await deliver(bot, tap, 5002)).toEqual({ texts: [secondPrompt.text], edits: 0 });

    // Nothing had gone: the tapped message is settled again, and both messages go.
    await sent.forget(0, 1);
    const all = await deliver(bot, tap, 5002);
    expect(all.texts).toEqual(first.texts);
    expect(all.edits).toBe(1);
    expect(await versionOf(5002)).toBe(2);
  });

  it('sends everything again when the records cannot be written or read', async () => {
    const failing = await startTelegramBot({
      fake,
      mode: 'webhook',
      database,
      patch: (runtime) => ({
        ...twoMessagesATurn(runtime),
        storage: {
          ...runtime.storage,
          telegramSent: {
            record: async () => {
              throw new Error('connect ECONNREFUSED 127.0.0.1:27017');
            },
            sent: async () => {
              throw new Error('connect ECONNREFUSED 127.0.0.1:27017');
            },
          },
        },
      }),
    });
    try {
      const update = updates.text(user(5003), '/start RBX7KQ');
      const first = await deliver(failing, update, 5003);
      expect(first.texts).toHaveLength(2);
      expect(await records(update).stored()).toEqual([]);
      // Twice rather than never.
      expect((await deliver(failing, update, 5003)).texts).toEqual(first.texts);
      expect(await versionOf(5003)).toBe(1);
    } finally {
      await failing.stop();
    }
  });
});
