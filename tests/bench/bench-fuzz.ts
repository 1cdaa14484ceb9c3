import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { runFuzz, type FuzzReport } from '../fuzz/run-fuzz.js';

/**
 * `npm run bench -- fuzz`: the HTTP fuzzer of tests/fuzz at full size (FUZZ_CASES, 10,000 by
 * default; FUZZ_SEED, 13 by default) against a real server on the embedded database. Prints
 * the counts docs/RELIABILITY.md records: cases by entry point and answer, failures (5xx,
 * dropped connections, uncaught errors) with their inputs, malformed documents, the heap.
 */
export async function benchFuzz(): Promise<string[]> {
  const cases = Number(process.env.FUZZ_CASES ?? 10_000);
  const seed = Number(process.env.FUZZ_SEED ?? 13);
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-fuzz-'));
  const embedded = process.env.MONGODB_URI
    ? undefined
    : await startEmbeddedServer({ dataDir: dir });
  try {
    const report = await runFuzz({
      mongoUri: process.env.MONGODB_URI ?? embedded?.uri ?? '',
      seed,
      cases,
      onProgress: (done, partial) =>
        process.stderr.write(
          `fuzz: ${done}/${cases} cases, ${partial.failures.length} failures, heap ${partial.heapMb.at(-1)} MB\n`,
        ),
    });
    return formatReport(report);
  } finally {
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatReport(report: FuzzReport): string[] {
  const lines = [
    `fuzz: ${report.cases} cases (seed ${report.seed}) in ${(report.ms / 1000).toFixed(0)} s · alive ${report.alive} · failures ${report.failures.length} · uncaught ${report.uncaught.length} · malformed stored ${report.malformed.length} · heap ${report.heapMb.join(' → ')} MB (target: 0 failures, flat heap)`,
  ];
  for (const [entry, counted] of Object.entries(report.byEntry).sort(
    (a, b) => b[1].cases - a[1].cases,
  )) {
    const statuses = Object.entries(counted.statuses)
      .sort((a, b) => b[1] - a[1])
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ');
    lines.push(`  ${entry}: ${counted.cases} (${statuses})`);
  }
  for (const failure of report.failures.slice(0, 30))
    lines.push(`  FAILURE ${failure.entry} → ${failure.outcome}: ${failure.request}`);
  for (const accepted of report.acceptedMutatedTokens.slice(0, 10))
    lines.push(
      `  MUTATED TOKEN ACCEPTED ${accepted.entry} → ${accepted.outcome}: ${accepted.request}`,
    );
  for (const problem of report.malformed.slice(0, 20)) lines.push(`  MALFORMED ${problem}`);
  for (const error of report.uncaught.slice(0, 5))
    lines.push(`  UNCAUGHT ${error.split('\n').slice(0, 4).join(' | ')}`);
  return lines;
}
