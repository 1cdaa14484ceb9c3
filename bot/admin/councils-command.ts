import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importCouncils, listCouncils, type Council } from '../../storage/council-repository.js';
import { isDerivedInvitationCode } from '../../storage/invitation-code.js';
import { parseQpvCsv } from '../../storage/parse-qpv-csv.js';
import type { Config } from '../config.js';
import { CouncilIndex } from '../council-index.js';
import { createLogger } from '../logger.js';
import { startRuntime } from '../start-runtime.js';

export const councilsUsage = `Usage: concerto councils import FILE
       concerto councils list [--search TEXT] [--limit N]

  import FILE      add or update councils from a CSV of priority neighbourhoods (columns
                   code,name,commune,commune_insee,department,department_name, as in
                   storage/reference/qpv-2024.csv); idempotent; prints each rejected line.
                   Running servers see the new councils within a few seconds.
  list             every council: QPV code, name, commune(s), département, invitation
                   codes (the stable code first, then any older one still valid)
    --search TEXT  only the councils a resident typing TEXT would be offered, best first
                   (a name with typos, a postcode, an INSEE code, a département)
    --limit N      with --search, at most N councils (default 50)
  --help, -h       this help
`;

/** `concerto councils import FILE` and `concerto councils list [--search TEXT]`. */
export async function runCouncilsCommand(config: Config, args: string[]): Promise<number> {
  const request = parseRequest(args);
  if ('help' in request) {
    process.stdout.write(councilsUsage);
    return 0;
  }
  if ('problem' in request) {
    process.stderr.write(`concerto councils: ${request.problem} (see concerto councils --help)\n`);
    return 2;
  }
  if (request.action === 'import') return importFile(config, request.file);
  return list(config, request.search, request.limit);
}

type Request =
  | { help: true }
  | { problem: string }
  | { action: 'import'; file: string }
  | { action: 'list'; search: string | undefined; limit: number };

function parseRequest(args: string[]): Request {
  if (args.includes('--help') || args.includes('-h')) return { help: true };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { search: { type: 'string' }, limit: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's own wording, without its advice on positionals that start with "-".
    return { problem: firstLine(error).replace(/\. To specify a positional argument.*$/, '') };
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (action === undefined) return { problem: 'say "import FILE" or "list"' };
  if (action === 'import') {
    const [file, ...extra] = rest;
    if (file === undefined) return { problem: 'import: name the CSV file' };
    if (extra.length > 0) return { problem: `import takes one file, not also "${extra[0]}"` };
    if (values.search !== undefined || values.limit !== undefined)
      return { problem: 'import takes no --search or --limit' };
    return { action, file };
  }
  if (action !== 'list') return { problem: `unknown action "${action}": use "import" or "list"` };
  if (rest.length > 0) return { problem: `list takes no argument "${rest[0]}" (use --search)` };
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    return { problem: `--limit must be a whole number above 0, not "${values.limit}"` };
  if (values.limit !== undefined && values.search === undefined)
    return { problem: '--limit goes with --search' };
  if (values.search !== undefined && values.search.trim() === '')
    return { problem: '--search needs some text' };
  return { action, search: values.search, limit };
}

async function importFile(config: Config, file: string): Promise<number> {
  // The file is read and checked before the database is opened: a typo costs nothing.
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    process.stderr.write(`concerto councils import: cannot read ${file}: ${firstLine(error)}\n`);
    return 1;
  }
  const { rows, errors } = parseQpvCsv(text);
  for (const error of errors) process.stderr.write(`${file}: ${error}\n`);
  if (rows.length === 0) {
    process.stderr.write(`concerto councils import: no council in ${file}; nothing imported\n`);
    return 1;
  }
  // Not the shipped list first: this file may be meant to replace it.
  const runtime = await startQuietRuntime(config, { referenceCouncils: false });
  try {
    const report = await importCouncils(runtime.db, rows);
    process.stdout.write(
      `${rows.length} councils read: ${report.inserted} new, ${report.updated} updated, ` +
        `${report.unchanged} unchanged; ${report.invitationCodesCreated} invitation codes created; ` +
        `${errors.length} lines rejected\n`,
    );
    return errors.length > 0 ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

async function list(config: Config, search: string | undefined, limit: number): Promise<number> {
  const runtime = await startQuietRuntime(config, { referenceCouncils: true });
  try {
    const councils = await listCouncils(runtime.db);
    const byId = new Map(councils.map((council) => [council.id, council]));
    const shown = search
      ? new CouncilIndex(councils)
          .search(search, limit)
          .councils.flatMap((ref) => byId.get(ref.id) ?? [])
      : councils;
    for (const council of shown) process.stdout.write(`${listLine(council)}\n`);
    process.stderr.write(
      search ? `${shown.length} councils found\n` : `${shown.length} councils\n`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

/** Tab-separated; the derived (stable) code first, then older codes still printed somewhere. */
function listLine(council: Council): string {
  const codes = [...council.invitationCodes].sort(
    (a, b) =>
      Number(isDerivedInvitationCode(council.id, b)) -
      Number(isDerivedInvitationCode(council.id, a)),
  );
  return [council.id, council.name, council.commune, council.department, codes.join(' ')].join(
    '\t',
  );
}

/** Logs warnings only: the output is the command's. */
function startQuietRuntime(config: Config, options: { referenceCouncils: boolean }) {
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  return startRuntime(config, log, { conversations: false, ...options });
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
