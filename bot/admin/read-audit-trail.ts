import type { Db } from 'mongodb';
import { readAudit, type AuditActor, type AuditDetails } from '../../storage/audit-log.js';
import { collectionNames } from '../../storage/collections.js';
import { waveDocSchema, type WaveDoc } from '../../storage/reminder-documents.js';
import { parseStored } from '../../storage/storage-error.js';

/** One line of the audit trail, whichever collection it comes from. */
export interface AuditTrailEntry {
  at: Date;
  actor: AuditActor;
  action: string;
  details: AuditDetails;
  outcome: 'started' | 'done' | 'failed' | 'queued' | 'sending';
  rows?: number | undefined;
  finishedAt?: Date | undefined;
}

/** A collection that records actions of its own, read into the trail. */
export type AuditSource = (db: Db, since: Date | undefined) => Promise<AuditTrailEntry[]>;

/**
 * Where the trail reads from. The reminders feature records its waves in its own collection:
 * add its reader here (a function of `db` and `since`) and `concerto admin audit` and
 * `GET /admin/api/audit` show them. Today: the audit log and the reminder waves.
 */
export const auditSources: AuditSource[] = [
  async (db, since) =>
    (await readAudit(db, { since })).map((entry) => ({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      details: entry.details,
      outcome: entry.outcome,
      rows: entry.rows,
      finishedAt: entry.finishedAt,
    })),
  readReminderWaves,
];

/**
 * Who exported or sent what, with which filters, and when: every source, oldest first.
 *
 * @example for (const e of await readAuditTrail(db, { since })) console.log(e.at, e.action)
 */
export async function readAuditTrail(
  db: Db,
  options: { since?: Date | undefined; sources?: readonly AuditSource[] } = {},
): Promise<AuditTrailEntry[]> {
  const lists = await Promise.all(
    (options.sources ?? auditSources).map((source) => source(db, options.since)),
  );
  return lists.flat().sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** `reminder_waves`: reminders sent by the schedule, a coordinator (/remind) or an admin. */
async function readReminderWaves(db: Db, since: Date | undefined): Promise<AuditTrailEntry[]> {
  const docs = await db
    .collection(collectionNames.reminderWaves)
    .find(since ? { createdAt: { $gte: since } } : {})
    .toArray();
  return docs.map((raw) => {
    const wave = parseStored(waveDocSchema, raw, `reminder_waves/${String(raw._id)}`);
    const sent = Object.values(wave.counts).reduce(
      (n, byOutcome) => n + (byOutcome['sent'] ?? 0),
      0,
    );
    return {
      at: wave.createdAt,
      actor: waveActor(wave.origin),
      action: 'reminder_wave',
      details: {
        wave: wave._id,
        origin: wave.origin.kind,
        councils: wave.councilIds ?? ['all'],
        statuses: wave.statuses,
        planned: wave.planned,
        sent,
      },
      outcome:
        wave.state === 'done'
          ? 'done'
          : wave.state === 'cancelled'
            ? 'failed'
            : wave.state === 'planning'
              ? 'queued'
              : 'sending',
      finishedAt: wave.finishedAt,
    };
  });
}

function waveActor(origin: WaveDoc['origin']): AuditActor {
  if (origin.kind === 'coordinator')
    return {
      kind: 'credential',
      credentialId: `coordinator:${origin.coordinatorId}`,
      role: 'coordinator',
    };
  if (origin.kind === 'admin') return { kind: 'cli', ...(origin.by ? { name: origin.by } : {}) };
  return { kind: 'cli', name: 'schedule' };
}

/** The actor as one word or two: `cli`, `k7qh3mpx9t (Nadia)`, `ADMIN_TOKEN`. */
export function describeActor(actor: AuditActor): string {
  if (actor.kind === 'cli') return 'cli';
  const id = actor.credentialId ?? '?';
  return actor.name && actor.name !== id ? `${id} (${actor.name})` : id;
}

/** `kind=answers format=csv raw=false councils=QN05981M,QN05983M`. */
export function describeDetails(details: AuditDetails): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
}
