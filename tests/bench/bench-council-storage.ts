import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CouncilIndex } from '../../bot/council-index.js';
import { watchCouncils } from '../../bot/watch-councils.js';
import { importCouncils } from '../../storage/council-repository.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { ensureIndexes, openDatabase } from '../../storage/open-database.js';
import {
  importReferenceCouncilsIfEmpty,
  referenceCouncils,
} from '../../storage/reference-councils.js';

/**
 * What councils cost the database: importing the shipped list on a first start, a start
 * that finds councils already there, and a running server reloading them after an import.
 */
export async function benchCouncilStorage(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-councils-'));
  const embedded = process.env['MONGODB_URI']
    ? undefined
    : await startEmbeddedServer({ dataDir: dir });
  const uri = process.env['MONGODB_URI'] ?? embedded?.uri ?? '';
  const database = await openDatabase({
    uri,
    dbName: `bench_councils_${Date.now()}`,
    writeConcern: 'majority',
  });
  const server = embedded ? 'embedded FerretDB (SQLite)' : 'MONGODB_URI';
  try {
    const { db } = database;
    await ensureIndexes(db);
    const seconds = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      await work();
      return ((performance.now() - start) / 1000).toFixed(2);
    };
    const firstStart = await seconds(() => importReferenceCouncilsIfEmpty(db));
    const laterStart = await seconds(() => importReferenceCouncilsIfEmpty(db));
    const index = new CouncilIndex();
    let reloaded: () => void = () => undefined;
    const watch = await watchCouncils(db, index, { intervalMs: 100, onReload: () => reloaded() });
    const rows = referenceCouncils();
    const next = new Promise<void>((resolve) => (reloaded = resolve));
    const importStart = performance.now();
    await importCouncils(db, [...rows, { ...rows[0]!, code: 'QN99999N', name: 'Bench' }]);
    const imported = ((performance.now() - importStart) / 1000).toFixed(2);
    await next;
    const seen = ((performance.now() - importStart) / 1000).toFixed(2);
    await watch.stop();
    return [
      `councils.storage ${server}: first start imports ${rows.length} councils in ${firstStart} s, ` +
        `a later start checks in ${laterStart} s`,
      `councils.reload an import of one new council among ${rows.length + 1} takes ${imported} s; ` +
        `a server checking every 100 ms has it in its index ${seen} s after the import began ` +
        `(5 s checks in production)`,
    ];
  } finally {
    await database.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
