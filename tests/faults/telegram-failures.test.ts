// The local Bot API answers 429 (retry after 1 s), 500 or 502 at random to a quarter of the bot's
// sends and edits, while three Telegram chats answer over the webhook: every acknowledged update
// is one committed turn, and every one got its replies delivered once (the retry transformer
// retries the failed call; nothing is sent twice, nothing is dropped).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { faultEnv, webhookSecret } from './fault-env.js';
import { TelegramResident, runResidents, totals, type Audit } from './residents.js';
import { ServeProcess } from './serve-process.js';

const failureRate = 0.25;
/** Messages per chat: Telegram's pacing (about one a second per chat) sets the test's length. */
const messages = 8;
const seed = Number(process.env.FAULT_SEED ?? 13);

let fake: FakeTelegramApi;
let client: MongoClient;
let env: Record<string, string>;
let baseUrl: string;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  client = await new MongoClient(inject('mongoUri')).connect();
  ({ env, baseUrl } = await faultEnv(inject('mongoUri'), fake, 'telegram'));
}, 60_000);

afterAll(async () => {
  fake?.failAtRandom(undefined);
  await serve?.crash();
  await client
    ?.db(env.MONGODB_DB)
    .dropDatabase()
    .catch(() => undefined);
  await client?.close();
  await fake?.close();
});

describe('Telegram answering 429 and 5xx at random', () => {
  it('loses and doubles no answer and no reply', async () => {
    serve = new ServeProcess(env);
    await serve.ready;
    fake.failAtRandom({
      rate: failureRate,
      seed,
      methods: ['sendMessage', 'editMessageText', 'editMessageReplyMarkup', 'answerCallbackQuery'],
    });
    const telegram = [1, 2, 3].map(
      (n) => new TelegramResident(baseUrl, fake, webhookSecret, 8000 + n, messages),
    );
    const run = runResidents(telegram, () => undefined);
    await run.done;
    fake.failAtRandom(undefined);
    const db = client.db(env.MONGODB_DB);
    const audits: Audit[] = [];
    for (const resident of telegram) audits.push(await resident.audit(db));
    const sum = totals(audits);
    const shown = JSON.stringify({ failed: fake.failed, sum, audits }, null, 1);
    console.log(`telegram-failures: ${shown}`);
    expect(fake.failed, shown).toBeGreaterThan(5);
    expect(sum.acknowledged).toBe(3 * messages);
    expect(sum.lostAnswers, shown).toBe(0);
    expect(sum.duplicateAnswers, shown).toBe(0);
    expect(sum.lostReplies, shown).toBe(0);
    expect(sum.doubledReplies, shown).toBe(0);
    expect(serve.output).not.toMatch(/sending failed/);
  }, 180_000);
});
