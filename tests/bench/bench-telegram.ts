import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { telegramSendLimits } from '../../bot/telegram/throttle-transformer.js';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { FakeTelegramApi, type FakeLimits } from '../helpers/fake-telegram-api.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import { quantile } from './quantile.js';
import { spawnTelegramBot } from './spawn-telegram-bot.js';
import { answerEverything, type TurnRecord } from './telegram-resident.js';

/**
 * Telegram's limits as the local Bot API enforces them: 30 messages/s, 3 at once then 1/s a
 * chat. BENCH_TELEGRAM_GLOBAL sets another overall budget, for the bot's pacing too.
 */
const limits: FakeLimits = {
  globalPerSecond: Number(process.env['BENCH_TELEGRAM_GLOBAL'] ?? 30),
  perChatBurst: Number(process.env['BENCH_TELEGRAM_BURST'] ?? 3),
  perChatIntervalMs: 1000,
};
const seconds = Number(process.env['BENCH_SECONDS'] ?? 60);

/**
 * What Telegram's limits leave of the bot: the bot process (webhook, production pacing) and the
 * local Bot API enforcing 30 messages/s overall and about one a second per chat after a short
 * burst (429 retry_after beyond). Two runs: many residents answering as fast as the bot lets them
 * (turns/s at the limit), and a few at a human pace (a tap to the last message of its turn).
 */
export async function benchTelegram(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-telegram-'));
  const given = process.env['MONGODB_URI'];
  const embedded = given
    ? undefined
    : await startEmbeddedServer({ dataDir: dir, log: () => undefined });
  const uri = given ?? embedded?.uri ?? '';
  const client = new MongoClient(uri);
  const lines: string[] = [];
  try {
    await client.connect();
    const saturated = Number(process.env['BENCH_RESIDENTS'] ?? 60);
    lines.push(await run(client, uri, `${saturated} residents, no pause`, saturated, 0));
    const human = Number(process.env['BENCH_HUMAN_RESIDENTS'] ?? 10);
    const think = Number(process.env['BENCH_THINK_MS'] ?? 2000);
    lines.push(await run(client, uri, `${human} residents, ${think} ms per answer`, human, think));
  } finally {
    await client.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

async function run(
  client: MongoClient,
  uri: string,
  label: string,
  residents: number,
  thinkMs: number,
): Promise<string> {
  const fake = await FakeTelegramApi.start(undefined, { limits });
  const dbName = `bench_tg_${randomBytes(4).toString('hex')}`;
  const db = client.db(dbName);
  await importCouncils(db, [roubaixRow]);
  await addInvitationCode(db, 'QN05981M', 'RBX7KQ');
  const bot = await spawnTelegramBot({ fake, uri, dbName, pacing: 'telegram' });
  try {
    // One warm-up questionnaire (module loading, first compilations), unpaced by others.
    await answerEverything(fake, bot.post, 8_000_000);
    const turns: TurnRecord[] = [];
    const started = performance.now();
    const until = started + seconds * 1000;
    let next = 0;
    await Promise.all(
      Array.from({ length: residents }, async () => {
        while (performance.now() < until) {
          next += 1;
          await answerEverything(fake, bot.post, 8_000_000 + next, {
            thinkMs,
            until,
            onTurn: (turn) => turns.push(turn),
          });
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const measured = turns.filter((t) => t.startedAt >= started);
    const taps = measured.filter((t) => t.kind === 'tap');
    const typed = measured.filter((t) => t.kind === 'typed');
    const calls = measured.reduce((sum, t) => sum + t.messageCalls, 0);
    const latency = (some: TurnRecord[]) =>
      some.map((t) => (t.lastMessageAt ?? t.startedAt) - t.startedAt).sort((a, b) => a - b);
    const tapLatency = latency(taps);
    const ms = (value: number) => `${Math.round(value)} ms`;
    const byCalls = [1, 2, 3, 4]
      .map((n) => {
        const some = latency(taps.filter((t) => t.messageCalls === n));
        return some.length > 0
          ? `${n} message(s): ${some.length} taps, median ${ms(quantile(some, 0.5))}`
          : '';
      })
      .filter((s) => s !== '')
      .join('; ');
    const perTurn = (some: TurnRecord[]) =>
      some.length === 0
        ? '–'
        : `${(some.reduce((sum, t) => sum + t.messageCalls, 0) / some.length).toFixed(2)} (max ${Math.max(...some.map((t) => t.messageCalls))})`;
    return (
      `telegram at Telegram's limits (${limits.globalPerSecond} messages/s, per chat ${limits.perChatBurst} then 1/s; ` +
      `bot paced at ${limits.globalPerSecond}/s, burst ${telegramSendLimits.perChatBurst}), ${label}, ${elapsed.toFixed(0)} s: ` +
      `**${(measured.length / elapsed).toFixed(1)} turns/s**, ${(calls / elapsed).toFixed(1)} message calls/s, ` +
      `${fake.throttled} refused with 429; message calls per tap ${perTurn(taps)}, per typed answer ${perTurn(typed)}; ` +
      `tap → last message of its turn: median ${ms(quantile(tapLatency, 0.5))}, p90 ${ms(quantile(tapLatency, 0.9))}, ` +
      `max ${ms(tapLatency.at(-1) ?? 0)} (${byCalls}); load average ${loadavg()[0]?.toFixed(1)}`
    );
  } finally {
    await bot.stop();
    await db.dropDatabase().catch(() => undefined);
    await fake.close();
  }
}
