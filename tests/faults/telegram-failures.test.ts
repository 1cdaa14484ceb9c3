// The local Bot API answers 429 (retry after 1 s), 500 or 502 at random to a quarter of the bot's
// sends and edits, while three Telegram chats answer over the webhook: every acknowledged update
// is one committed turn, and every one got its replies delivered once (the retry transformer
// retries the failed call; nothing is sent twice, nothing is dropped).
import { describe, expect, it } from 'vitest';
import { faultRig } from './fault-env.js';
import { auditAll, runResidents, totals } from './residents.js';
import { ServeProcess } from './serve-process.js';

const failureRate = 0.25;
const seed = Number(process.env.FAULT_SEED ?? 13);
/** Messages per chat: Telegram's pacing (about one a second per chat) sets the test's length. */
const messages = 8;
const rig = faultRig();

describe('Telegram answering 429 and 5xx at random', () => {
  it('loses and doubles no answer and no reply', async () => {
    const { env, baseUrl } = await rig.environment('telegram');
    const serve = new ServeProcess(env);
    rig.serve = serve;
    await serve.ready;
    rig.fake.failAtRandom({
      rate: failureRate,
      seed,
      methods: ['sendMessage', 'editMessageText', 'editMessageReplyMarkup', 'answerCallbackQuery'],
    });
    const telegram = rig.residents(baseUrl, 8000).telegram.map((t) => t.limitedTo(messages));
    await runResidents(telegram, () => undefined).done;
    rig.fake.failAtRandom(undefined);
    const sum = totals(await auditAll(telegram, rig.client.db(env.MONGODB_DB)));
    const shown = JSON.stringify({ failed: rig.fake.failed, sum }, null, 1);
    console.log(`telegram-failures: ${shown}`);
    expect(rig.fake.failed, shown).toBeGreaterThan(5);
    expect(sum.acknowledged).toBe(3 * messages);
    expect(sum.lostAnswers, shown).toBe(0);
    expect(sum.duplicateAnswers, shown).toBe(0);
    expect(sum.lostReplies, shown).toBe(0);
    expect(sum.doubledReplies, shown).toBe(0);
    expect(serve.output).not.toMatch(/sending failed/);
  }, 180_000);
});
