import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Config } from '../config.js';
import { createProgressBar } from '../exports/progress-bar.js';
import { exportPseudonymSecret } from '../exports/participant-pseudonym.js';
import { openExport } from '../exports/open-export.js';
import { exportOptionNames, parseExportRequest } from '../exports/parse-export-request.js';
import { shippedConsultation } from '../../dialogs/load-consultation.js';
import { createLogger } from '../logger.js';
import { startRuntime } from '../start-runtime.js';
import { exportUsage } from './export-usage.js';
import { parseFlags, type FlagSpec } from './parse-flags.js';

const booleans = new Set(['excel', 'wide', 'raw', 'completed']);
const multiples = new Set(['council', 'department', 'theme', 'status', 'lang', 'channel']);

const flags: Record<string, FlagSpec> = {
  out: { type: 'string' },
  ...Object.fromEntries(
    exportOptionNames.map((name) => [
      name,
      { type: booleans.has(name) ? 'boolean' : 'string', multiple: multiples.has(name) },
    ]),
  ),
};

/**
 * `concerto export KIND [options]`: an export to a file or standard output, recorded in the
 * audit log as made at the command line. Exit code 2 for bad flags (each named on a line).
 */
export async function runExportCommand(config: Config, args: string[]): Promise<number> {
  const parsed = parseFlags(args, flags);
  if (parsed.help) {
    process.stdout.write(exportUsage);
    return 0;
  }
  const [kind, ...extra] = parsed.positionals;
  const { out, ...options } = Object.fromEntries(parsed.values);
  const consultation = shippedConsultation();
  if (!consultation.ok) throw new Error(consultation.problems.join('; '));
  const request = parseExportRequest(
    kind,
    new Map(Object.entries(options)),
    consultation.consultation,
  );
  const problems = [
    ...parsed.problems,
    ...extra.map((e) => `unexpected argument "${e}"`),
    ...(request.ok ? [] : request.problems),
  ];
  if (!request.ok || problems.length > 0) {
    for (const problem of problems) process.stderr.write(`concerto export: ${problem}\n`);
    process.stderr.write('(see concerto export --help)\n');
    return 2;
  }
  const file = out?.[0];
  if (file === undefined && request.request.format === 'xlsx' && process.stdout.isTTY) {
    process.stderr.write(
      'concerto export: xlsx is binary: give --out FILE or redirect the output\n',
    );
    return 2;
  }
  const runtime = await startRuntime(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
    { conversations: false },
  );
  // A file appears under its name only once complete.
  const partial = file === undefined ? undefined : `${file}.partial`;
  const output: Writable = partial === undefined ? process.stdout : createWriteStream(partial);
  try {
    const opened = await openExport(
      {
        db: runtime.db,
        consultation: runtime.consultation,
        catalog: runtime.catalog,
        secret: await exportPseudonymSecret(config, runtime.db),
      },
      request.request,
      { kind: 'cli' },
    );
    const bar = createProgressBar(process.stderr, opened.table.name, opened.table.expectedRows);
    const rows = await opened.writeTo(output, () => bar.tick());
    bar.done();
    if (partial !== undefined && file !== undefined) {
      output.end();
      await once(output, 'finish');
      await rename(partial, file);
    }
    process.stderr.write(
      `exported ${rows} rows of ${opened.table.name}${file ? ` to ${file}` : ''}\n`,
    );
    return 0;
  } catch (error) {
    if (partial !== undefined) {
      output.destroy();
      await rm(partial, { force: true });
    }
    throw error;
  } finally {
    await runtime.close();
  }
}
