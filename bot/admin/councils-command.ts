import { readFile } from 'node:fs/promises';
import { importCouncils, listCouncils } from '../../storage/council-repository.js';
import { parseQpvCsv } from '../../storage/parse-qpv-csv.js';
import { parse, UsageError } from '../cli.js';
import type { Config } from '../config.js';
import { CouncilIndex } from '../council-index.js';
import { createLogger } from '../logger.js';
import { startRuntime } from '../start-runtime.js';

/** `concerto councils import FILE` and `concerto councils list [--search TEXT]`. */
export async function runCouncilsCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { search: { type: 'string' } });
  const [action, file] = positionals;
  if (action !== 'import' && action !== 'list')
    throw new UsageError('councils: use "import FILE" or "list"');
  if (action === 'import' && !file) throw new UsageError('councils import: name the CSV file');
  const runtime = await startRuntime(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
    { conversations: false },
  );
  try {
    if (action === 'import' && file) {
      const { rows, errors } = parseQpvCsv(await readFile(file, 'utf8'));
      for (const error of errors) process.stderr.write(`${file}: ${error}\n`);
      const result = await importCouncils(runtime.db, rows);
      process.stdout.write(
        `imported ${rows.length} councils (${JSON.stringify(result)}); ${errors.length} lines rejected\n`,
      );
      return errors.length > 0 ? 1 : 0;
    }
    const councils = await listCouncils(runtime.db);
    const shown = values.search
      ? new CouncilIndex(councils).search(values.search, 50).councils
      : councils;
    const codes = new Map(councils.map((c) => [c.id, c.invitationCodes]));
    for (const council of shown) {
      process.stdout.write(
        `${council.id}\t${council.name}\t${council.commune}\t${(codes.get(council.id) ?? []).join(' ')}\n`,
      );
    }
    process.stderr.write(`${shown.length} councils\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}
