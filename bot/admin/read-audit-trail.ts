import type { Db } from 'mongodb';
import { readAudit, type AuditActor, type AuditDetails } from '../../storage/audit-log.js';
import { collectionNames } from '../../storage/collections.js';
import { reminderRequestDocSchema } from '../../storage/coordinator-repository.js';
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
 * `GET /admin/api/audit` show them. Today: the audit log and coordinators' queued waves.
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
  readReminderRequests,
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

/** `reminder_requests`: waves a coordinator confirmed with /remind in Telegram. */
async function readReminderRequests(db: Db, since: Date | undefined): Promise<AuditTrailEntry[]> {
  const docs = await db
    .collection(collectionNames.reminderRequests)
    .find(since ? { requestedAt: { $gte: since } } : {})
    .toArray();
  return docs.map((raw) => {
    const doc = parseStored(reminderRequestDocSchema, raw, `reminder_requests/${String(raw._id)}`);
    return {
      at: doc.requestedAt,
      actor: {
        kind: 'credential',
        credentialId: `coordinator:${doc.coordinatorId}`,
        role: 'coordinator',
      },
      action: 'reminder_queued',
      details: { councils: doc.councilIds, recipients: doc.count },
      outcome: doc.status === 'done' ? 'done' : doc.status,
    };
  });
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
