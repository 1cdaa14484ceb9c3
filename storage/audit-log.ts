import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { checkForWrite, parseStored } from './storage-error.js';

/** Who did it: a credential over HTTP, or someone at the command line of the server. */
export const auditActorSchema = z.object({
  kind: z.enum(['credential', 'cli']),
  credentialId: z.string().optional(),
  name: z.string().optional(),
  role: z.enum(['admin', 'coordinator']).optional(),
});

const detailValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

/**
 * One audited action in `audit`: an export (kind, format, filters, raw or masked, rows
 * written), a credential made or revoked. Written when the action starts, completed when it
 * ends, so an export cut short is on record too.
 */
export const auditEntryDocSchema = z.object({
  _id: z.string(),
  at: z.date(),
  actor: auditActorSchema,
  /** `export`, `credential_created`, `credential_revoked`. */
  action: z.string().min(1),
  details: z.record(z.string(), detailValueSchema),
  outcome: z.enum(['started', 'done', 'failed']),
  finishedAt: z.date().optional(),
  /** Rows written by an export. */
  rows: z.int().min(0).optional(),
});

export type AuditActor = z.infer<typeof auditActorSchema>;
export type AuditEntryDoc = z.infer<typeof auditEntryDocSchema>;
export type AuditDetails = AuditEntryDoc['details'];

/** Records an action as started (or done at once, for one that cannot fail halfway). */
export async function recordAudit(
  db: Db,
  entry: { actor: AuditActor; action: string; details: AuditDetails; outcome?: 'started' | 'done' },
  at = new Date(),
): Promise<string> {
  const _id = randomUUID();
  const doc = checkForWrite(
    auditEntryDocSchema,
    {
      _id,
      at,
      outcome: 'started',
      ...entry,
      ...(entry.outcome === 'done' ? { finishedAt: at } : {}),
    },
    `audit/${_id}`,
  );
  await audit(db).insertOne(doc);
  return _id;
}

/** Completes a started entry. */
export async function finishAudit(
  db: Db,
  id: string,
  result: { outcome: 'done' | 'failed'; rows?: number | undefined },
  at = new Date(),
): Promise<void> {
  await audit(db).updateOne(
    { _id: String(id) },
    {
      $set: {
        outcome: result.outcome,
        finishedAt: at,
        ...(result.rows === undefined ? {} : { rows: result.rows }),
      },
    },
  );
}

/** Entries from `since` on (all without it), oldest first. */
export async function readAudit(
  db: Db,
  options: { since?: Date | undefined } = {},
): Promise<AuditEntryDoc[]> {
  const filter = options.since ? { at: { $gte: options.since } } : {};
  const docs = await audit(db).find(filter).toArray();
  return docs
    .map((raw) => parseStored(auditEntryDocSchema, raw, `audit/${raw._id}`))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

function audit(db: Db) {
  return db.collection<AuditEntryDoc>(collectionNames.audit, { ignoreUndefined: true });
}
