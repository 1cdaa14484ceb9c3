import type { Db } from 'mongodb';
import { findCoordinatorById } from '../../storage/coordinator-repository.js';
import { councilNames } from '../../storage/coordinator-repository.js';
import { recordAudit } from '../../storage/audit-log.js';
import {
  createCredential,
  credentialRoles,
  listCredentials,
  revokeCredential,
  type CredentialRole,
} from '../../storage/credentials.js';
import type { Config } from '../config.js';
import { runCoordinatorLinkCommand } from '../coordinators/coordinator-link-command.js';
import { formatMinute } from '../exports/format-minute.js';
import { parseExportRequest } from '../exports/parse-export-request.js';
import { shippedConsultation } from '../../dialogs/load-consultation.js';
import { createLogger } from '../logger.js';
import { startRuntime } from '../start-runtime.js';
import { actionUsage, adminUsage } from './admin-usage.js';
import { parseFlags, type FlagSpec } from './parse-flags.js';
import { describeActor, describeDetails, readAuditTrail } from './read-audit-trail.js';

const flagsOf: Record<string, Record<string, FlagSpec>> = {
  'create-credential': {
    role: { type: 'string' },
    council: { type: 'string', multiple: true },
    name: { type: 'string' },
    coordinator: { type: 'string' },
  },
  list: {},
  revoke: {},
  audit: { since: { type: 'string' }, json: { type: 'boolean' } },
  coordinator: { name: { type: 'string' }, council: { type: 'string', multiple: true } },
};

/** How many positional arguments each action takes after its name. */
const positionalsOf: Record<string, number> = { revoke: 1 };

type Print = (line: string) => void;

/** `concerto admin ACTION …`: credentials, the audit trail, coordinators' link codes. */
export async function runAdminCommand(config: Config, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    process.stdout.write(adminUsage);
    return action === undefined ? 2 : 0;
  }
  const spec = flagsOf[action];
  if (spec === undefined) {
    process.stderr.write(
      `concerto admin: unknown action "${action}" (see concerto admin --help)\n`,
    );
    return 2;
  }
  const parsed = parseFlags(rest, spec);
  if (parsed.help) {
    process.stdout.write(actionUsage[action] ?? adminUsage);
    return 0;
  }
  const expected = positionalsOf[action] ?? 0;
  const problems = [...parsed.problems];
  if (parsed.positionals.length > expected)
    problems.push(`unexpected argument "${parsed.positionals[expected]}"`);
  if (parsed.positionals.length < expected)
    problems.push(`${action} needs an id (see concerto admin list)`);
  const value = (name: string) => parsed.values.get(name)?.[0];
  const list = (name: string) =>
    (parsed.values.get(name) ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim().toUpperCase())
      .filter(Boolean);
  let since: Date | undefined;
  if (action === 'audit' && value('since') !== undefined) {
    const loaded = shippedConsultation();
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const request = parseExportRequest(
      'codebook',
      new Map([['since', [value('since') ?? '']]]),
      loaded.consultation,
    );
    if (request.ok) since = request.request.filters.since;
    else problems.push(...request.problems.map((p) => p.replace(/^since/, '--since')));
  }
  let role: CredentialRole | undefined;
  if (action === 'create-credential') {
    role = credentialRoles.find((r) => r === value('role'));
    if (value('role') === undefined) problems.push('--role is required: admin or coordinator');
    else if (role === undefined)
      problems.push(`--role must be admin or coordinator, not "${value('role')}"`);
    if (role === 'admin' && list('council').length > 0)
      problems.push('an admin sees every council: --council is for coordinators');
    if (
      role === 'coordinator' &&
      list('council').length === 0 &&
      value('coordinator') === undefined
    )
      problems.push('a coordinator needs --council CODE (or --coordinator ID)');
  }
  if (action === 'coordinator' && (value('name') === undefined || list('council').length === 0))
    problems.push('coordinator needs --name and at least one --council');
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`concerto admin ${action}: ${problem}\n`);
    process.stderr.write(`(see concerto admin ${action} --help)\n`);
    return 2;
  }
  if (action === 'coordinator')
    return runCoordinatorLinkCommand(config, {
      name: value('name') ?? '',
      councilIds: list('council'),
    });

  const runtime = await startRuntime(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
    { conversations: false },
  );
  const print: Print = (line) => process.stdout.write(`${line}\n`);
  try {
    switch (action) {
      case 'create-credential':
        return await createCredentialCommand(
          runtime.db,
          {
            role: role ?? 'coordinator',
            name: value('name'),
            councilIds: list('council'),
            coordinatorId: value('coordinator'),
          },
          print,
        );
      case 'list':
        return await listCommand(runtime.db, print);
      case 'revoke':
        return await revokeCommand(runtime.db, parsed.positionals[0] ?? '', print);
      default:
        return await auditCommand(runtime.db, { since, json: parsed.values.has('json') }, print);
    }
  } finally {
    await runtime.close();
  }
}

/** `admin create-credential`, without its runtime (tests and other front ends). */
export async function createCredentialCommand(
  db: Db,
  options: {
    role: CredentialRole;
    name?: string | undefined;
    councilIds: string[];
    coordinatorId?: string | undefined;
  },
  print: Print,
): Promise<number> {
  let { name, councilIds } = options;
  if (options.coordinatorId !== undefined) {
    const coordinator = await findCoordinatorById(db, options.coordinatorId);
    if (coordinator === null) {
      print(`no coordinator ${options.coordinatorId} (made with "concerto admin coordinator")`);
      return 1;
    }
    name ??= coordinator.name;
    if (councilIds.length === 0) councilIds = coordinator.councilIds;
  }
  if (options.role === 'coordinator') {
    const known = await councilNames(db, councilIds);
    const unknown = councilIds.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      print(`unknown council(s): ${unknown.join(', ')} (see "concerto councils list")`);
      return 1;
    }
  }
  const { credential, token } = await createCredential(db, {
    name: name ?? (options.role === 'admin' ? 'admin' : 'coordinator'),
    role: options.role,
    councilIds,
    coordinatorId: options.coordinatorId,
  });
  await recordAudit(db, {
    actor: { kind: 'cli' },
    action: 'credential_created',
    details: {
      credential: credential._id,
      role: credential.role,
      name: credential.name,
      ...(credential.councilIds.length > 0 ? { councils: credential.councilIds } : {}),
    },
    outcome: 'done',
  });
  print(
    `credential ${credential._id} (${credential.role}, ${credential.name}${credential.councilIds.length > 0 ? `, councils ${credential.councilIds.join(' ')}` : ''})`,
  );
  print(token);
  print('shown once: only its hash is kept. Send it as "Authorization: Bearer <credential>".');
  return 0;
}

export async function listCommand(db: Db, print: Print): Promise<number> {
  const all = await listCredentials(db);
  for (const c of all)
    print(
      [
        c._id,
        c.role,
        c.name,
        c.councilIds.join(',') || '-',
        `made ${formatMinute(c.createdAt)}`,
        c.revokedAt ? `revoked ${formatMinute(c.revokedAt)}` : 'active',
      ].join('\t'),
    );
  if (all.length === 0) print('no credential yet: concerto admin create-credential --role admin');
  return 0;
}

export async function revokeCommand(db: Db, id: string, print: Print): Promise<number> {
  const result = await revokeCredential(db, id.trim().toLowerCase());
  if (result.kind === 'unknown') {
    print(`no credential ${id} (see concerto admin list)`);
    return 1;
  }
  if (result.kind === 'already') {
    print(`credential ${id} was already revoked`);
    return 0;
  }
  await recordAudit(db, {
    actor: { kind: 'cli' },
    action: 'credential_revoked',
    details: { credential: result.credential._id, name: result.credential.name },
    outcome: 'done',
  });
  print(`credential ${result.credential._id} (${result.credential.name}) revoked`);
  return 0;
}

export async function auditCommand(
  db: Db,
  options: { since?: Date | undefined; json: boolean },
  print: Print,
): Promise<number> {
  const entries = await readAuditTrail(db, { since: options.since });
  for (const e of entries) {
    if (options.json) {
      print(
        JSON.stringify({ ...e, at: e.at.toISOString(), finishedAt: e.finishedAt?.toISOString() }),
      );
      continue;
    }
    const rows = e.rows === undefined ? '' : ` rows=${e.rows}`;
    print(
      `${formatMinute(e.at)}\t${describeActor(e.actor)}\t${e.action}\t${e.outcome}\t${describeDetails(e.details)}${rows}`,
    );
  }
  if (entries.length === 0 && !options.json) print('nothing recorded');
  return 0;
}
