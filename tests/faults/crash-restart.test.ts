// kill -9 of `concerto serve` under load, then a restart on the same port, twice (FAULT_KILLS):
// residents on the web page's Direct Line and on the Telegram webhook keep answering, each
// message retried until it is acknowledged, as the page and Telegram do. At the end every
// acknowledged message is one committed turn (no answer lost, none counted twice), and every
// acknowledged message got its replies: on the web exactly once; on Telegram at least once.
// Each Telegram message is recorded as sent (`telegram_sent`) before the next one goes, and a
// redelivered update sends only the messages not recorded; the Bot API has no idempotency key,
// so a message Telegram accepted just before the kill -9, its record not yet written, goes
// twice: at most one message per chat and crash, counted and bounded below.
import { describe, expect, it } from 'vitest';
import { faultRig } from './fault-env.js';
import { ackCounter, auditAll, runResidents, totals } from './residents.js';
import { ServeProcess } from '../helpers/serve-process.js';

const kills = Number(process.env.FAULT_KILLS ?? 2);
const rig = faultRig();

describe('kill -9 under load, then restart', () => {
  it(`${kills} crashes: no answer lost or doubled, every reply delivered`, async () => {
    const { env, baseUrl } = await rig.environment('crash');
    rig.serve = new ServeProcess(env);
    await rig.serve.ready;
    const { web, telegram } = rig.residents(baseUrl, 6000);
    const acks = ackCounter();
    const run = runResidents([...web, ...telegram], () => acks.onAck());
    const crashes: { at: number; restartMs: number }[] = [];
    for (let k = 1; k <= kills; k += 1) {
      // A crash in the middle of the traffic: six residents, one or more turns in flight.
      await acks.atLeast(acks.count + 6);
      const at = acks.count;
      await rig.serve.crash();
      const started = Date.now();
      rig.serve = new ServeProcess(env);
      await rig.serve.ready;
      crashes.push({ at, restartMs: Date.now() - started });
    }
    await run.done;
    const audits = await auditAll([...web, ...telegram], rig.client.db(env.MONGODB_DB));
    const sum = totals(audits);
    const webSum = totals(audits.filter((a) => a.name.startsWith('web-')));
    const telegramSum = totals(audits.filter((a) => a.name.startsWith('telegram:')));
    const shown = JSON.stringify({ crashes, sum, webSum, telegramSum, audits }, null, 1);
    console.log(`crash-restart: ${shown}`);
    expect(crashes).toHaveLength(kills);
    expect(sum.acknowledged).toBe(6 * 12);
    expect(sum.retries, shown).toBeGreaterThan(0);
    expect(sum.lostAnswers, shown).toBe(0);
    expect(sum.duplicateAnswers, shown).toBe(0);
    expect(sum.doubledMessages, shown).toBe(0);
    expect(sum.lostReplies, shown).toBe(0);
    expect(webSum.doubledReplies, shown).toBe(0);
    const chats = audits.filter((a) => a.name.startsWith('telegram:'));
    console.log(
      `crash-restart: Telegram messages sent twice: ${telegramSum.doubledReplies} ` +
        `(bound: ${kills} kills × ${chats.length} chats = ${kills * chats.length})`,
    );
    for (const chat of chats) expect(chat.doubledReplies, shown).toBeLessThanOrEqual(kills);
  }, 300_000);
});
