// The attacks of issue 13 as a property-based fuzzer (fast-check), a fixed-seed sample of it:
// every HTTP entry point the server lists, hostile targets and broken HTTP, and deep requests
// with valid credentials that put hostile chat fields through the turn pipeline. After the run
// the process is alive, nothing was answered 5xx or dropped, nothing was thrown uncaught,
// nothing malformed was stored and the heap did not grow. The full-size run (10,000 cases) is
// `npm run bench -- fuzz`; its counts are in docs/RELIABILITY.md.
import { describe, expect, inject, it } from 'vitest';
import { formatReport } from '../bench/bench-fuzz.js';
import { runFuzz } from './run-fuzz.js';

describe('the HTTP fuzzer, a deterministic sample', () => {
  it('300 cases (seed 2017): alive, no 5xx, nothing uncaught or malformed, flat heap', async () => {
    const report = await runFuzz({ mongoUri: inject('mongoUri'), seed: 2017, cases: 300 });
    const shown = formatReport(report).join('\n');
    expect(report.cases).toBe(300);
    expect(report.alive, shown).toBe(true);
    expect(report.failures, shown).toEqual([]);
    expect(report.uncaught, shown).toEqual([]);
    expect(report.malformed, shown).toEqual([]);
    // Every kind of entry point was attacked, the deep ones with answers that went through.
    for (const entry of [
      'Direct Line activity POST',
      'Telegram webhook',
      'Bot Framework /api/messages',
      'web session',
      'static and pages',
    ])
      expect(report.byEntry[entry]?.statuses['200'], `${entry}\n${shown}`).toBeGreaterThan(0);
    const first = report.heapMb[0] ?? 0;
    const last = report.heapMb.at(-1) ?? 0;
    expect(last - first, shown).toBeLessThan(16);
  }, 240_000);
});
