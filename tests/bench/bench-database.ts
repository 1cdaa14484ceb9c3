import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { quantile } from './quantile.js';

export interface BenchDatabase {
  db: Db;
  /** What the figures were measured against, for their first line. */
  label: string;
  close(): Promise<void>;
}

/**
 * A fresh database for a benchmark: on MONGODB_URI when set (e.g. an unpatched FerretDB
 * started by hand, for "before" figures), else on an embedded FerretDB of its own.
 *
 * @example const bench = await openBenchDatabase('bench_directline'); try { … } finally { await bench.close(); }
 */
export async function openBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `concerto-${prefix}-`));
  const embedded = process.env['MONGODB_URI']
    ? undefined
    : await startEmbeddedServer({ dataDir: dir, log: () => undefined });
  const client = new MongoClient(process.env['MONGODB_URI'] ?? embedded?.uri ?? '');
  const db = client.db(`${prefix}_${Date.now()}`);
  return {
    db,
    label: embedded ? 'embedded FerretDB (SQLite)' : 'MONGODB_URI',
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await embedded?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs op one at a time for up to maxOps runs or budgetMs, and describes its latencies. */
export async function measureLatency(
  op: () => Promise<void>,
  { maxOps, budgetMs }: { maxOps: number; budgetMs: number },
): Promise<string> {
  const latencies: number[] = [];
  const started = performance.now();
  while (latencies.length < maxOps && performance.now() - started < budgetMs) {
    const t = performance.now();
    await op();
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return (
    `${latencies.length} runs: median ${quantile(latencies, 0.5).toFixed(2)} ms, ` +
    `p99 ${quantile(latencies, 0.99).toFixed(2)} ms, ${rate(latencies.length / seconds)} ops/s`
  );
}

function rate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : String(Math.round(perSecond));
}
