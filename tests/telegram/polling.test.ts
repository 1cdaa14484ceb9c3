import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collections } from '../../storage/collections.js';
import { FakeTelegramApi, UpdateFactory } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { seededDatabase, startTelegramBot, type BotUnderTest } from './start-telegram-bot.js';
import { startOnly } from './whole-questionnaire.js';

let fake: FakeTelegramApi;
let database: TestDatabase;
let bot: BotUnderTest;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  database = await seededDatabase();
  bot = await startTelegramBot({ fake, mode: 'polling', database });
});

afterAll(async () => {
  await bot?.stop();
  await database?.drop();
  await fake?.close();
});

describe('Telegram by long polling', () => {
  it('drops any webhook, then answers updates fetched with getUpdates', async () => {
    expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
    await startOnly(bot.chat({ id: 2001 }));
  });

  it("keeps one person's flood from slowing down another person's reply", async () => {
    const updates = new UpdateFactory(fake);
    const flooder = { id: 2002, is_bot: false, first_name: 'Flo', language_code: 'fr' };
    const flooding = bot.chat(flooder);
    await flooding.send('/start RBX7KQ');
    // Consented, so that what the flood says is kept in the transcript counted below.
    await flooding.tap('yes');
    const calm = bot.chat({ id: 2003 });
    const quiet = await latency(2003, () => calm.send('/start RBX7KQ'));
    const flooded = performance.now();
    fake.push(...Array.from({ length: 30 }, (_, i) => updates.text(flooder, `message ${i + 1}`)));
    // The flood is being handled: its first reply has gone out.
    await fake.callMatching(
      (c) => c.method === 'sendMessage' && c.params.chat_id === flooder.id && c.at >= flooded,
    );
    const other = bot.chat({ id: 2004 });
    const underFlood = await latency(2004, () => other.send('/start RBX7KQ'));
    console.log(
      `telegram polling: another person's first reply took ${quiet} ms alone, ${underFlood} ms during a 30-message flood`,
    );
    expect(underFlood).toBeLessThan(3000);
    // The flood itself is all handled, one message at a time: each gets its answer.
    await waitFor(async () => (await answeredInOrder(2002)) >= 30);
  });
});

/** From handing the update over to the first message the bot sends to that chat. */
async function latency(chatId: number, action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await action();
  const first = fake.calls.find(
    (c) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.at >= started,
  );
  return Math.round((first?.at ?? Number.POSITIVE_INFINITY) - started);
}

/** How many of the flood's messages were answered (each at least once), checking they came in order. */
async function answeredInOrder(chatId: number): Promise<number> {
  const link = await collections(database.db).identities.findOne({ _id: `telegram:${chatId}` });
  const turns = await collections(database.db)
    .transcripts.find({ participantId: link?.participantId })
    .sort({ turn: 1 })
    .toArray();
  const numbers = turns
    .flatMap((turn) => turn.lines.filter((l) => l.direction === 'in'))
    .map((l) => /^message (\d+)$/.exec(l.text)?.[1])
    .filter((n) => n !== undefined)
    .map(Number);
  expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  return numbers.length;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
