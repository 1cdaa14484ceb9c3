import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Update } from 'grammy/types';
import { MongoClient } from 'mongodb';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { FakeTelegramApi, UpdateFactory } from '../helpers/fake-telegram-api.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import { childProcesses, cpuSeconds } from './process-cpu.js';

const questionnaires = Number(process.env['BENCH_QUESTIONNAIRES'] ?? 40);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 10);
const secret = 'bench-secret_0123456789';
const botScript = fileURLToPath(new URL('./telegram-bot-process.ts', import.meta.url));

/**
 * CPU per completed questionnaire of the whole bot: the bot process (runtime + Telegram
 * channel, webhook mode) and the embedded FerretDB it uses, measured from /proc before and
 * after BENCH_QUESTIONNAIRES people answer everything by taps and typed text, BENCH_CONCURRENCY
 * at a time. The local Bot API and the simulated people run in this process, not counted.
 */
export async function benchTelegramCpu(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-cpu-'));
  // MONGODB_URI: a server started by hand (BENCH_DB_PID its pid, for its share of the CPU).
  const given = process.env['MONGODB_URI'];
  const embedded = given
    ? undefined
    : await startEmbeddedServer({ dataDir: dir, log: () => undefined });
  const uri = given ?? embedded?.uri ?? '';
  const fake = await FakeTelegramApi.start();
  const dbName = `bench_cpu_${randomBytes(4).toString('hex')}`;
  const client = new MongoClient(uri);
  const bot = spawn(process.execPath, ['--import', 'tsx', botScript], {
    env: {
      ...process.env,
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      PORT: '0',
      LOG_LEVEL: 'warn',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: secret,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await client.connect();
    const db = client.db(dbName);
    await importCouncils(db, [roubaixRow]);
    await addInvitationCode(db, 'QN05981M', 'RBX7KQ');
    const port = await new Promise<number>((resolve, reject) => {
      bot.once('exit', (code) => reject(new Error(`the bot exited with ${code}`)));
      createInterface({ input: bot.stdout }).on('line', (line) => {
        const match = /^port (\d+)$/.exec(line);
        if (match) resolve(Number(match[1]));
      });
    });
    const dbPid = given
      ? Number(process.env['BENCH_DB_PID'])
      : childProcesses(process.pid).find((p) => p.command.includes('ferretdb'))?.pid;
    if (!dbPid || bot.pid === undefined) throw new Error('no pid for the bot or the database');
    const post = async (update: Update) => {
      const response = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    };
    // One warm-up questionnaire (module loading, first compilations) before measuring.
    await answerEverything(fake, post, 9_000_000);
    const before = { bot: cpuSeconds(bot.pid), db: cpuSeconds(dbPid) };
    const started = performance.now();
    let next = 0;
    let turns = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < questionnaires) {
          next += 1;
          const answered = await answerEverything(fake, post, 9_000_000 + next);
          turns += answered; // after the await: `turns +=` would read it before
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const after = { bot: cpuSeconds(bot.pid), db: cpuSeconds(dbPid) };
    const completed = await db.collection('participants').countDocuments({ status: 'completed' });
    const botCpu = after.bot - before.bot;
    const dbCpu = after.db - before.db;
    const total = botCpu + dbCpu;
    const per = (value: number) => `${((value / questionnaires) * 1000).toFixed(0)} ms`;
    return [
      `telegram CPU per completed questionnaire (webhook, ${questionnaires} questionnaires of ` +
        `${Math.round(turns / questionnaires)} turns, ${concurrency} at a time, ${seconds.toFixed(1)} s; ` +
        `${completed - 1} completed in the database): ${per(total)} ` +
        `(bot process ${per(botCpu)}, FerretDB ${per(dbCpu)}: ${((dbCpu / total) * 100).toFixed(0)} % in the database server)`,
    ];
  } finally {
    bot.kill('SIGTERM');
    await new Promise((resolve) =>
      bot.exitCode === null ? bot.once('exit', resolve) : resolve(0),
    );
    await client
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
    await fake.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One person from the invitation link to the confirmed summary: taps "C'est tout"/"Valider"/
 * "Oui" when offered (once something is ticked), else the first real choice, else types.
 * Returns the number of turns.
 */
async function answerEverything(
  fake: FakeTelegramApi,
  post: (update: Update) => Promise<void>,
  chatId: number,
): Promise<number> {
  const user = { id: chatId, is_bot: false, first_name: 'Awa', language_code: 'fr' };
  const updates = new UpdateFactory(fake);
  await post(updates.text(user, '/start RBX7KQ'));
  for (let turn = 1; turn < 150; turn += 1) {
    const last = fake.chatMessages(chatId).at(-1);
    if (!last) throw new Error('the bot said nothing');
    if (/Merci beaucoup pour votre participation/.test(last.text)) return turn;
    const buttons = (last.replyMarkup?.inline_keyboard ?? [])
      .flat()
      .flatMap((b) => ('callback_data' in b ? [{ data: b.callback_data, text: b.text }] : []));
    const id = (data: string) => data.slice(data.indexOf(':') + 1);
    const ticked = buttons.some((b) => b.text.includes('✓'));
    const done = buttons.find(
      (b) => (id(b.data) === '_done' && ticked) || ['confirm', 'yes'].includes(id(b.data)),
    );
    const first = buttons.find(
      (b) =>
        !id(b.data).startsWith('_') &&
        !['other', 'none'].includes(id(b.data)) &&
        !b.text.includes('✓'),
    );
    const pick = done ?? first;
    await post(
      pick
        ? updates.callback(
            user,
            {
              messageId: last.messageId,
              text: last.text,
              ...(last.replyMarkup ? { replyMarkup: last.replyMarkup } : {}),
            },
            pick.data,
          )
        : updates.text(user, 'Des bus plus tard le soir'),
    );
  }
  const shown = fake
    .chatMessages(chatId)
    .slice(-3)
    .map((m) => m.text);
  throw new Error(`chat ${chatId} did not finish in 150 turns:\n${shown.join('\n---\n')}`);
}
