import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { importCouncils } from '../../storage/council-repository.js';
import { collections } from '../../storage/collections.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { seedCouncils } from '../helpers/export-seed.js';
import { benchAnswers, benchParticipant, participantsFor } from './generated-answers.js';
import { cpuSeconds } from './process-cpu.js';

const answerCount = Number(process.env['BENCH_EXPORT_ANSWERS'] ?? 1_000_000);
const formats = (process.env['BENCH_EXPORT_FORMATS'] ?? 'csv,ndjson,xlsx').split(',');
const child = fileURLToPath(new URL('./export-bench-child.ts', import.meta.url));

/**
 * BENCH_EXPORT_ANSWERS generated answers (1,000,000 by default; every question type, free text
 * to mask) inserted directly (insertMany batches) into a fresh embedded FerretDB, then exported
 * by the real pipeline in a process of its own per format, to a file: time, rows/s, peak RSS,
 * and the CPU of that process and of FerretDB. Then the same export from a source that
 * generates the documents in memory: what the pipeline costs without the server.
 */
export async function benchExports(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-exports-'));
  const lines: string[] = [];
  const embedded = process.env['MONGODB_URI']
    ? undefined
    : await startEmbeddedServer({ dataDir: dir });
  const uri = process.env['MONGODB_URI'] ?? embedded?.uri ?? '';
  const serverPid = embedded
    ? Number(JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')).pid)
    : undefined;
  const serverCpu = () => (serverPid === undefined ? 0 : cpuSeconds(serverPid));
  const client = new MongoClient(uri);
  const dbName = `bench_exports_${Date.now()}`;
  const db = client.db(dbName);
  try {
    await importCouncils(db, seedCouncils);
    const participants = participantsFor(answerCount);
    const c = collections(db);
    const insertStart = Date.now();
    for (let p = 0; p < participants; p += 1000) {
      const batch = Array.from({ length: Math.min(1000, participants - p) }, (_, i) => p + i);
      await c.participants.insertMany(batch.map(benchParticipant), { ordered: false });
      const answers = batch.flatMap(benchAnswers);
      for (let i = 0; i < answers.length; i += 1000)
        await c.answers.insertMany(answers.slice(i, i + 1000), { ordered: false });
    }
    const answers = participants * benchAnswers(0).length;
    lines.push(
      `exports: ${answers.toLocaleString('en-US')} answers of ${participants.toLocaleString('en-US')} participants inserted in ${((Date.now() - insertStart) / 1000).toFixed(0)} s (insertMany, 1,000 a batch)`,
    );
    for (const source of ['db', 'memory'] as const) {
      for (const format of formats) {
        const out = join(dir, `answers.${format}`);
        const cpuBefore = serverCpu();
        const result = await run([format, source, out, uri, dbName, String(participants)]);
        const size = statSync(out).size;
        rmSync(out);
        const server =
          source === 'db' && serverPid !== undefined
            ? `, FerretDB CPU ${(serverCpu() - cpuBefore).toFixed(0)} s`
            : '';
        lines.push(
          `exports: answers → ${format} from ${source === 'db' ? 'the embedded server' : 'memory (no server)'}: ${result.rows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(1)} s = ${Math.round(result.rows / result.seconds).toLocaleString('en-US')} rows/s, peak RSS ${result.maxRssMB.toFixed(0)} MB, export process CPU ${result.cpuSeconds.toFixed(0)} s${server}, file ${(size / 2 ** 20).toFixed(0)} MB`,
        );
        console.error(lines.at(-1));
      }
    }
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

function run(
  args: string[],
): Promise<{ rows: number; seconds: number; maxRssMB: number; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', child, ...args],
      { maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'));
      },
    );
  });
}
