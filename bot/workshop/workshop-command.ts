import { writeFile } from 'node:fs/promises';
import { translator } from '../../dialogs/translate.js';
import { maskContact } from '../../dialogs/workshop-contact.js';
import { pseudonymSecret } from '../../storage/pseudonym-secret.js';
import { drawIdOf, findDraw } from '../../storage/workshop-draws.js';
import { forgetWorkshopContacts } from '../../storage/workshop-contacts.js';
import { csvLine } from './csv-line.js';
import { parse, UsageError } from '../cli.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startRuntime, type Runtime } from '../start-runtime.js';
import { drawCsv } from './draw-csv.js';
import { drawWorkshop, fullContact, UnknownCriterionError, type DrawRow } from './draw-workshop.js';
import { telegramInvitationTransport, type InvitationTransport } from './invitation-transport.js';
import { listVolunteers, routeOf, type VolunteerRecord } from './list-volunteers.js';
import { sendInvitations } from './send-invitations.js';

export const workshopUsage = `Usage: concerto workshop <draw|invite|forget-contacts> …

  workshop draw --seats N --seed S [--balance council,role,gender] [--format csv|json]
                [--out FILE] [--contacts masked|full] [--include-unreachable] [--replace]
      Draws N participants among the volunteers (« oui » to the workshop question), with a
      published seed: the same volunteers and seed always give the same list. --balance
      keeps each council / role / gender (the first criterion to one seat) in proportion to
      the volunteers; gender is what volunteers said when asked (optional): those who did
      not say are a group of their own.
      Volunteers nothing can reach (web, no contact left) are left out unless
      --include-unreachable. Lists every volunteer stratum by stratum, in lottery order: its
      drawn, then its reserves (who to invite next if someone declines); csv (default) or
      json (with the published pool, to re-run the draw). Contacts are
      masked unless --contacts full. The draw is recorded; a different result for a seed
      drawn before is refused unless --replace.

  workshop invite --seed S --details TEXT [--details-en TEXT] [--dry-run] [--out FILE]
                  [--contacts masked|full]
      Sends the invitation to the drawn volunteers of that draw, once each: by Telegram when
      TELEGRAM_BOT_TOKEN is set; e-mail and SMS have no sender here, so those (and anyone
      else not reachable) are listed (csv) for someone to write to them.

  workshop forget-contacts --yes
      Deletes now every contact left for the workshop (also done from the consultation's
      workshop.deleteAfter date on by concerto serve).
`;

/** `concerto workshop …`: the draw, the invitations, forgetting the contacts. */
export async function runWorkshopCommand(config: Config, args: string[]): Promise<number> {
  const [what, ...rest] = args;
  if (!what || what === '--help' || what === '-h' || what === 'help' || rest.includes('--help')) {
    process.stdout.write(workshopUsage);
    return what ? 0 : 2;
  }
  switch (what) {
    case 'draw':
      return draw(config, rest);
    case 'invite':
      return invite(config, rest);
    case 'forget-contacts':
      return forget(config, rest);
    default:
      throw new UsageError(`workshop ${what}: unknown; see concerto workshop --help`);
  }
}

async function draw(config: Config, args: string[]): Promise<number> {
  const { values } = parse(args, {
    seats: { type: 'string' },
    seed: { type: 'string' },
    balance: { type: 'string', default: '' },
    format: { type: 'string', default: 'csv' },
    out: { type: 'string' },
    contacts: { type: 'string', default: 'masked' },
    'include-unreachable': { type: 'boolean' },
    replace: { type: 'boolean' },
  });
  const seats = Number(values.seats);
  if (values.seats === undefined || !Number.isInteger(seats) || seats < 1)
    throw new UsageError('workshop draw needs --seats, a whole number from 1');
  const seed = values.seed?.trim();
  if (!seed) throw new UsageError('workshop draw needs --seed, published before the draw');
  if (values.format !== 'csv' && values.format !== 'json')
    throw new UsageError('--format must be csv or json');
  const contacts = contactsOption(values.contacts);
  const balance = values.balance
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return withRuntime(config, async (runtime) => {
    let result;
    try {
      result = await drawWorkshop(runtime, {
        seats,
        seed,
        balance,
        includeUnreachable: values['include-unreachable'],
        replace: values.replace,
        secret: config.PSEUDONYM_SECRET,
      });
    } catch (error) {
      if (error instanceof UnknownCriterionError) throw new UsageError(error.message);
      throw error;
    }
    for (const { criterion } of result.skipped)
      process.stderr.write(
        `workshop draw: "${criterion}" is not balanced: the consultation does not ask it (adding a question is the organisers' decision)\n`,
      );
    if (result.saved === 'different') {
      process.stderr.write(
        `workshop draw: the seed "${seed}" was drawn before with another result (the volunteers changed since); the recorded draw is kept. Use --replace to record this one, or another seed.\n`,
      );
      return 1;
    }
    const full = contacts === 'full' ? await fullContacts(runtime, config) : null;
    const output =
      values.format === 'json'
        ? `${JSON.stringify(
            {
              consultationId: runtime.consultation.id,
              draw: result.result,
              pool: result.pool,
              volunteers: result.rows.map((row) => ({
                ...publicRow(row),
                contact: full?.get(row.participantId) ?? row.contact,
              })),
            },
            null,
            2,
          )}\n`
        : drawCsv(result.rows, full);
    await emit(values.out, output);
    if (full) noteUnmasked(runtime, full.size, 'workshop draw');
    const { result: r } = result;
    const drawn = result.rows.filter((row) => row.drawn).length;
    process.stderr.write(
      `workshop draw: ${drawn} drawn of ${r.volunteers} volunteers (seed "${seed}", ${r.algorithm})${result.unreachableLeftOut > 0 ? `; ${result.unreachableLeftOut} left out, nothing can reach them` : ''}; draw ${result.saved}\n`,
    );
    for (const [criterion, totals] of Object.entries(r.totals))
      process.stderr.write(
        `  ${criterion}: ${totals.map((t) => `${t.value ?? '—'} ${t.drawn}/${formatQuota(t.quota)}`).join(', ')}\n`,
      );
    return 0;
  });
}

async function invite(config: Config, args: string[]): Promise<number> {
  const { values } = parse(args, {
    seed: { type: 'string' },
    details: { type: 'string' },
    'details-en': { type: 'string' },
    'dry-run': { type: 'boolean' },
    out: { type: 'string' },
    contacts: { type: 'string', default: 'masked' },
  });
  const seed = values.seed?.trim();
  if (!seed) throw new UsageError('workshop invite needs --seed (the draw to invite)');
  const details = values.details?.trim();
  if (!details)
    throw new UsageError('workshop invite needs --details: date, place and how to confirm');
  const contacts = contactsOption(values.contacts);
  return withRuntime(config, async (runtime) => {
    const { consultation } = runtime;
    const recorded = await findDraw(runtime.db, consultation.id, seed);
    if (!recorded) {
      process.stderr.write(
        `workshop invite: no draw with the seed "${seed}"; run workshop draw first\n`,
      );
      return 2;
    }
    const secret = config.PSEUDONYM_SECRET ?? (await pseudonymSecret(runtime.db));
    const volunteers = new Map(
      (await listVolunteers(runtime, { secret })).map((v) => [v.participantId, v]),
    );
    const recipients = recorded.drawn.flatMap((d) => volunteers.get(d.participantId) ?? []);
    const gone = recorded.drawn.length - recipients.length;
    const transports: InvitationTransport[] = config.TELEGRAM_BOT_TOKEN
      ? [
          telegramInvitationTransport({
            token: config.TELEGRAM_BOT_TOKEN,
            apiRoot: config.TELEGRAM_API_ROOT,
          }),
        ]
      : [];
    const text = { fr: details, en: values['details-en']?.trim() || details };
    const report = await sendInvitations({
      db: runtime.db,
      drawId: drawIdOf(consultation.id, seed),
      recipients,
      transports,
      message: (lang) =>
        translator(runtime.catalog, lang)('workshop.invitation', { details: text[lang] }),
      dryRun: values['dry-run'],
    });
    const header = ['pseudonym', 'lang', 'route', 'contact'];
    const lines = report.manual.map((v: VolunteerRecord) =>
      csvLine([
        v.key,
        v.lang,
        routeOf(v),
        contacts === 'full' ? fullContact(v) : v.contact ? maskContact(v.contact) : null,
      ]),
    );
    if (report.manual.length > 0)
      await emit(values.out, `\uFEFF${csvLine(header)}${lines.join('')}`);
    if (contacts === 'full' && report.manual.length > 0)
      noteUnmasked(runtime, report.manual.length, 'workshop invite');
    process.stderr.write(
      `workshop invite${values['dry-run'] ? ' (dry run: nothing sent)' : ''}: ${report.sent} sent${transports.length === 0 ? ' (no Telegram token: no transport)' : ''}, ${report.alreadySent} already invited, ${report.unreachable} unreachable, ${report.failed} failed, ${report.manual.length} to write to by hand${values.out && report.manual.length > 0 ? ` (${values.out})` : ''}${gone > 0 ? `; ${gone} drawn no longer exist (erased)` : ''}\n`,
    );
    return report.failed > 0 ? 1 : 0;
  });
}

async function forget(config: Config, args: string[]): Promise<number> {
  const { values } = parse(args, { yes: { type: 'boolean' } });
  if (!values.yes)
    throw new UsageError(
      'workshop forget-contacts deletes every contact left for the workshop: add --yes',
    );
  return withRuntime(config, async (runtime) => {
    const count = await forgetWorkshopContacts(runtime.db, runtime.consultation.id);
    process.stderr.write(`workshop forget-contacts: ${count} contacts deleted\n`);
    return 0;
  });
}

async function withRuntime(
  config: Config,
  run: (runtime: Runtime) => Promise<number>,
): Promise<number> {
  const runtime = await startRuntime(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
    { conversations: false },
  );
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

function contactsOption(value: string): 'masked' | 'full' {
  if (value !== 'masked' && value !== 'full')
    throw new UsageError('--contacts must be masked or full');
  return value;
}

/** Contacts in full, by participant: only when the admin asks (`--contacts full`). */
async function fullContacts(runtime: Runtime, config: Config): Promise<Map<string, string>> {
  const secret = config.PSEUDONYM_SECRET ?? (await pseudonymSecret(runtime.db));
  const full = new Map<string, string>();
  for (const v of await listVolunteers(runtime, { secret })) {
    const contact = fullContact(v);
    if (contact !== null) full.set(v.participantId, contact);
  }
  return full;
}

/**
 * The hook for the audit log (admin data): an export of unmasked contacts must be recorded
 * there once it exists. Until then it is logged as a warning, which is all this version can do.
 */
function noteUnmasked(runtime: Runtime, count: number, command: string): void {
  runtime.log.warn(
    { command, contacts: count },
    'unmasked workshop contacts exported (no audit log yet)',
  );
  process.stderr.write(
    `${command}: ${count} contacts exported unmasked — keep the file safe and delete it after the workshop\n`,
  );
}

function publicRow(row: DrawRow) {
  const { participantId, ...rest } = row;
  return rest;
}

function formatQuota(quota: number): string {
  return Number.isInteger(quota) ? String(quota) : quota.toFixed(2);
}

async function emit(out: string | undefined, text: string): Promise<void> {
  if (out) await writeFile(out, text);
  else process.stdout.write(text);
}
