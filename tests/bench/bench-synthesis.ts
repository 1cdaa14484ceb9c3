import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSynthesis, synthesisJson } from '../../bot/synthesis/build-synthesis.js';
import { renderSynthesisHtml } from '../../bot/synthesis/render-synthesis-html.js';
import { summarizeConsultation } from '../../bot/synthesis/summarize-consultation.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { listCouncils } from '../../storage/council-repository.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { ensureIndexes, openDatabase } from '../../storage/open-database.js';
import { prepareCouncils } from '../../storage/prepare-councils.js';
import { insertConsultation, largeConsultation } from '../synthesis/generate-consultation.js';

const participants = envNumber('BENCH_SYNTHESIS_PARTICIPANTS', 15_000);
const texts = envNumber('BENCH_SYNTHESIS_TEXTS', 5_000);

/**
 * `npm run bench -- synthesis`: the synthesis of a national consultation — 15,000 participants
 * of the 1,493 councils, every closed question answered (about 345,000 answers) and 5,000
 * free-text answers — against MONGODB_URI when set, else the embedded FerretDB, on a fresh
 * database. Times the report end to end (read from the store, count, cluster), the counting
 * and clustering alone (the same data in memory), and the HTML and JSON rendering.
 */
export async function benchSynthesis(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-synthesis-'));
  const embedded = process.env['MONGODB_URI']
    ? undefined
    : await startEmbeddedServer({ dataDir: dir });
  const uri = process.env['MONGODB_URI'] ?? embedded?.uri ?? '';
  const database = await openDatabase({
    uri,
    dbName: `bench_synthesis_${Date.now()}`,
    writeConcern: 'majority',
  });
  const { db } = database;
  const lines: string[] = [];
  try {
    await ensureIndexes(db);
    await prepareCouncils(db);
    const councilIds = (await listCouncils(db)).map((c) => c.id);
    const data = largeConsultation(participants, texts, councilIds);
    const written = data.answers.filter((a) => a.value.kind === 'text').length;
    let started = performance.now();
    await insertConsultation(db, data);
    const loadSeconds = (performance.now() - started) / 1000;
    lines.push(
      `synthesis data: ${participants} participants, ${data.answers.length} answers of which ${written} free texts, ${councilIds.length} councils (stored in ${loadSeconds.toFixed(0)} s, not counted)`,
    );
    const source = {
      db,
      storage: mongoStorage(db),
      consultation: data.consultation,
      catalog: defaultCatalog,
    };
    const heapBefore = process.memoryUsage().heapUsed;
    started = performance.now();
    const report = await buildSynthesis(source);
    const endToEnd = performance.now() - started;
    const heapAfter = process.memoryUsage().heapUsed;
    const councils = new Map((await listCouncils(db)).map((c) => [c.id, c]));
    started = performance.now();
    await summarizeConsultation({
      consultation: data.consultation,
      catalog: defaultCatalog,
      participants: data.participants,
      answers: data.answers,
      councils,
    });
    const inMemory = performance.now() - started;
    started = performance.now();
    const html = renderSynthesisHtml(report);
    const json = synthesisJson(report);
    const rendering = performance.now() - started;
    const ideas = report.themes
      .flatMap((t) => t.questions)
      .flatMap((q) => (q.type === 'text' ? q.clusters : []));
    lines.push(
      `synthesis end to end (read ${data.answers.length} answers from the store, count, cluster): ${(endToEnd / 1000).toFixed(1)} s, heap +${Math.round((heapAfter - heapBefore) / 2 ** 20)} MiB (target: ≤ 30 s, an admin waits for it once)`,
      `synthesis counting and clustering alone (same data in memory): ${(inMemory / 1000).toFixed(2)} s, ${ideas.length} clusters (target: ≤ 5 s)`,
      `synthesis rendering: HTML ${Math.round(html.length / 1024)} KiB and JSON ${Math.round(json.length / 1024)} KiB in ${Math.round(rendering)} ms (target: ≤ 1 s)`,
    );
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await database.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
