import { writeFile } from 'node:fs/promises';
import { recordAudit } from '../../storage/audit-log.js';
import { forgetWorkshopContacts } from '../../storage/workshop-contacts.js';
import { parse, UsageError } from '../cli.js';
import type { Config } from '../config.js';
import { exportPseudonymSecret } from '../exports/participant-pseudonym.js';
import { createLogger } from '../logger.js';
import { startRuntime, type Runtime } from '../start-runtime.js';
import { drawCsv } from './draw-csv.js';
import { drawWorkshop, fullContact, UnknownCriterionError, type DrawRow } from './draw-workshop.js';
import { invitationCsv } from './invitation-csv.js';
import { invitationDetailsMax, inviteDraw } from './invite-draw.js';
import { listVolunteers } from './list-volunteers.js';

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
      TELEGRAM_BOT_TOKEN is set, by Web Push to a browser that accepted notifications; anyone
      else on the web gets it at their next visit (held, then shown). E-mail and SMS have no
      sender here: the list (csv: every drawn volunteer, route, status, contact) has those who
      left an address or a number, for you to write to them.

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
        by: 'command line',
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
    if (full) await noteUnmasked(runtime, full.size, 'workshop draw');
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
  const detailsEn = values['details-en']?.trim();
  if (Math.max(details.length, detailsEn?.length ?? 0) > invitationDetailsMax)
    throw new UsageError(`--details: ${invitationDetailsMax} characters at most`);
  const contacts = contactsOption(values.contacts);
  return withRuntime(config, async (runtime) => {
    const dryRun = values['dry-run'];
    const invited = await inviteDraw(runtime, {
      seed,
      details: { fr: details, en: detailsEn },
      dryRun,
    });
    if (invited === null) {
      process.stderr.write(
        `workshop invite: no draw with the seed "${seed}"; run workshop draw first\n`,
      );
      return 2;
    }
    const { report } = invited;
    await emit(values.out, invitationCsv(report, contacts));
    const toWrite = report.outcomes.filter((o) => o.route === 'email' || o.route === 'sms');
    if (contacts === 'full' && report.outcomes.length > 0)
      await noteUnmasked(runtime, report.outcomes.length, 'workshop invite');
    process.stderr.write(
      `workshop invite${dryRun ? ' (dry run: nothing sent)' : ''}: ${report.sent} sent${invited.telegram ? '' : ' (no Telegram token: no Telegram transport)'}, ${report.held} held for their next visit, ${report.alreadyInvited} already invited, ${report.unreachable} unreachable, ${report.uncertain} uncertain, ${report.failed} failed, ${report.manual.length} to send by hand${invited.gone > 0 ? `; ${invited.gone} drawn no longer exist (erased)` : ''}\n`,
    );
    if (toWrite.length > 0)
      process.stderr.write(
        `workshop invite: no e-mail or SMS service here: ${toWrite.length} left an e-mail or a phone number; the list${values.out ? ` (${values.out})` : ''} has them for you to write to\n`,
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
  const secret = await exportPseudonymSecret(config, runtime.db);
  const full = new Map<string, string>();
  for (const v of await listVolunteers(runtime, { secret })) {
    const contact = fullContact(v);
    if (contact !== null) full.set(v.participantId, contact);
  }
  return full;
}

/** An export of unmasked contacts is audited (storage/audit-log.ts), like the admin page's. */
async function noteUnmasked(runtime: Runtime, count: number, command: string): Promise<void> {
  await recordAudit(runtime.db, {
    actor: { kind: 'cli' },
    action: 'workshop_contacts',
    details: { command, contacts: count },
    outcome: 'done',
  });
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
