import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Update } from 'grammy/types';
import { MongoClient } from 'mongodb';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import { childProcesses, cpuSeconds } from './process-cpu.js';
import { quantile } from './quantile.js';
import { answerEverything } from './telegram-resident.js';
import { failureCause, webResident } from './web-resident.js';

const botScript = fileURLToPath(new URL('./load-bot-process.ts', import.meta.url));
const secret = 'bench-secret_0123456789';
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** Residents at the end of the ramp (half on Telegram, half on the web), and the burst. */
const residents = setting('BENCH_LOAD_RESIDENTS', 2000);
const burst = setting('BENCH_LOAD_BURST', 500);
const rampSeconds = setting('BENCH_LOAD_RAMP_SECONDS', 60);
const holdSeconds = setting('BENCH_LOAD_HOLD_SECONDS', 60);
const burstSeconds = setting('BENCH_LOAD_BURST_SECONDS', 30);
/** Human pace: each answer comes this long after the bot's question (uniform in the range). */
const thinkMin = setting('BENCH_LOAD_THINK_MIN_MS', 10_000);
const thinkMax = setting('BENCH_LOAD_THINK_MAX_MS', 20_000);

interface Answer {
  at: number;
  ms: number;
  ok: boolean;
  channel: 'telegram' | 'web';
  /** Why it failed (see failureCause). */
  cause?: string;
}

interface Bot {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
}

/**
 * `npm run bench -- load`: simulated residents over the real HTTP entry points — Telegram
 * webhook POSTs (the local Bot API receives the replies) and the web chat's Direct Line — ramping
 * to BENCH_LOAD_RESIDENTS at a human pace, then a burst of new residents at once; for one bot
 * process and for two on one database (requests spread across them as a proxy would).
 */
export async function benchLoad(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-load-'));
  const given = process.env['MONGODB_URI'];
  const embedded = given
    ? undefined
    : await startEmbeddedServer({ dataDir: dir, log: () => undefined });
  const uri = given ?? embedded?.uri ?? '';
  const databasePid = embedded
    ? childProcesses(process.pid).find((p) => p.command.includes('ferretdb'))?.pid
    : undefined;
  const lines: string[] = [];
  try {
    for (const processes of (process.env['BENCH_LOAD_PROCESSES'] ?? '1,2').split(',').map(Number))
      lines.push(...(await run(uri, processes, databasePid)));
  } finally {
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

async function run(uri: string, processes: number, databasePid?: number): Promise<string[]> {
  const client = new MongoClient(uri);
  await client.connect();
  const dbName = `bench_load_${randomBytes(4).toString('hex')}`;
  const db = client.db(dbName);
  await importCouncils(db, [roubaixRow]);
  await addInvitationCode(db, 'QN05981M', 'RBX7KQ');
  const fake = await FakeTelegramApi.start();
  const bots: Bot[] = [];
  try {
    for (let i = 0; i < processes; i += 1) bots.push(await spawnBot(uri, dbName, fake));
    const answers: Answer[] = [];
    const started = performance.now();
    const rampEnd = started + rampSeconds * 1000;
    const burstAt = rampEnd + holdSeconds * 1000;
    const end = burstAt + burstSeconds * 1000;
    const cpuBefore = bots.map((b) => cpuSeconds(b.pid));
    const dbCpuBefore = databasePid ? cpuSeconds(databasePid) : 0;
    const peakRss = bots.map(() => 0);
    const sampler = setInterval(() => {
      bots.forEach((b, i) => (peakRss[i] = Math.max(peakRss[i] ?? 0, rssMiB(b.pid))));
    }, 1000);
    let next = 0;
    const resident = async (startAt: number) => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - performance.now())));
      while (performance.now() < end) {
        next += 1;
        const n = next;
        const bot = bots[n % bots.length]!;
        const record = (channel: Answer['channel']) => (ms: number, ok: boolean, cause?: string) =>
          answers.push({ at: performance.now(), ms, ok, channel, ...(cause ? { cause } : {}) });
        if (n % 2 === 0) {
          await telegramResident(fake, bot, 9_000_000 + n, end, record('telegram'));
        } else {
          await webResident({
            baseUrl: bot.baseUrl,
            address: `2001:db8::${n.toString(16)}`,
            thinkMs: think,
            until: end,
            onAnswer: record('web'),
          });
        }
      }
    };
    await Promise.all([
      ...Array.from({ length: residents }, (_, i) =>
        resident(started + (i / residents) * rampSeconds * 1000),
      ),
      ...Array.from({ length: burst }, () => resident(burstAt)),
    ]);
    clearInterval(sampler);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = bots.map((b, i) => cpuSeconds(b.pid) - (cpuBefore[i] ?? 0));
    const dbCpu = databasePid ? cpuSeconds(databasePid) - dbCpuBefore : undefined;
    const phase = (name: string, from: number, to: number) => {
      const some = answers.filter((a) => a.at >= from && a.at < to);
      const ok = some
        .filter((a) => a.ok)
        .map((a) => a.ms)
        .sort((a, b) => a - b);
      const seconds = (to - from) / 1000;
      const byChannel = (channel: Answer['channel']) => {
        const times = some
          .filter((a) => a.ok && a.channel === channel)
          .map((a) => a.ms)
          .sort((a, b) => a - b);
        return `${channel} p50 ${Math.round(quantile(times, 0.5))} ms, p99 ${Math.round(quantile(times, 0.99))} ms`;
      };
      return (
        `${name}: **${(ok.length / seconds).toFixed(1)} answers/s**, p50 ${Math.round(quantile(ok, 0.5))} ms, ` +
        `p99 ${Math.round(quantile(ok, 0.99))} ms (${byChannel('telegram')}; ${byChannel('web')}), ` +
        `${some.length - ok.length} errors${causes(some)}`
      );
    };
    const header =
      `load, ${processes} bot process(es) on one FerretDB, ${residents} residents ramped over ${rampSeconds} s ` +
      `(half Telegram webhook, half web Direct Line), answering every ${thinkMin / 1000}–${thinkMax / 1000} s, ` +
      `then ${burst} more at once; ${elapsed.toFixed(0)} s, ${answers.length} answers`;
    return [
      header,
      `  ${phase('ramp', started, rampEnd)}`,
      `  ${phase('hold', rampEnd, burstAt)}`,
      `  ${phase('burst', burstAt, end)}`,
      `  memory: bot RSS peak ${peakRss.map((m) => `${m} MiB`).join(', ')}; ` +
        `CPU: bots ${cpu.map((c) => `${c.toFixed(0)} s`).join(', ')}` +
        (dbCpu === undefined ? '' : `, FerretDB ${dbCpu.toFixed(0)} s`) +
        ` of ${(elapsed * 2).toFixed(0)} s available on 2 cores (the load generator takes the rest); ` +
        `load average ${loadavg()[0]?.toFixed(1)}`,
    ];
  } finally {
    for (const bot of bots) {
      bot.child.kill('SIGTERM');
      await new Promise((resolve) =>
        bot.child.exitCode === null ? bot.child.once('exit', resolve) : resolve(0),
      );
    }
    await fake.close();
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}

/** The failures of a phase by cause, most frequent first: ` (UND_ERR_CONNECT_TIMEOUT 12, …)`. */
function causes(answers: readonly Answer[]): string {
  const counts = new Map<string, number>();
  for (const a of answers)
    if (!a.ok) counts.set(a.cause ?? 'unknown', (counts.get(a.cause ?? 'unknown') ?? 0) + 1);
  if (counts.size === 0) return '';
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  return ` (${sorted.map(([cause, n]) => `${cause} ${n}`).join(', ')})`;
}

function think(): number {
  return thinkMin + Math.random() * (thinkMax - thinkMin);
}

/** A Telegram resident (tests/bench/telegram-resident.ts) whose webhook POSTs are timed. */
async function telegramResident(
  fake: FakeTelegramApi,
  bot: Bot,
  chatId: number,
  until: number,
  onAnswer: (ms: number, ok: boolean, cause?: string) => void,
): Promise<void> {
  const post = async (update: Update) => {
    const started = performance.now();
    let failure: string | undefined;
    const response = await fetch(`${bot.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(update),
    }).catch((error: unknown) => {
      failure = failureCause(error);
      return undefined;
    });
    await response?.arrayBuffer().catch(() => undefined);
    const ok = response?.status === 200;
    onAnswer(
      performance.now() - started,
      ok,
      ok ? undefined : (failure ?? `webhook ${response?.status ?? 'no answer'}`),
    );
    if (response?.status !== 200)
      throw new Error(`webhook answered ${response?.status ?? 'nothing'}`);
  };
  await answerEverything(fake, post, chatId, { thinkMs: think(), until }).catch(() => undefined);
}

function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

async function spawnBot(uri: string, dbName: string, fake: FakeTelegramApi): Promise<Bot> {
  const child = spawn(process.execPath, ['--import', 'tsx', botScript], {
    env: {
      ...process.env,
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      MONGODB_WRITE_CONCERN: '1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: secret,
      CONSULTATION_OPENS_AT: '2017-11-22T00:00:00+01:00',
      CONSULTATION_CLOSES_AT: '2099-12-05T23:59:59+01:00',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bot exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^port (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  if (child.pid === undefined) throw new Error('no pid for the bot');
  return { child, pid: child.pid, baseUrl: `http://127.0.0.1:${port}` };
}
