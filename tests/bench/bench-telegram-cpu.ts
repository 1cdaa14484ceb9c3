import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import { childProcesses, cpuSeconds } from './process-cpu.js';
import { spawnTelegramBot } from './spawn-telegram-bot.js';
import { answerEverything } from './telegram-resident.js';

const questionnaires = Number(process.env['BENCH_QUESTIONNAIRES'] ?? 40);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 10);

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
  let bot: Awaited<ReturnType<typeof spawnTelegramBot>> | undefined;
  try {
    await client.connect();
    const db = client.db(dbName);
    await importCouncils(db, [roubaixRow]);
    await addInvitationCode(db, 'QN05981M', 'RBX7KQ');
    bot = await spawnTelegramBot({ fake, uri, dbName, pacing: 'none' });
    const { post } = bot;
    const dbPid = given
      ? Number(process.env['BENCH_DB_PID'])
      : childProcesses(process.pid).find((p) => p.command.includes('ferretdb'))?.pid;
    if (!dbPid) throw new Error('no pid for the database');
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
    await bot?.stop();
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
