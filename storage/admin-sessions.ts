import { createHash, randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { checkForWrite, parseStored } from './storage-error.js';

/** How long a session of the admin page lasts: idle, and at most. */
export const adminSessionLimits = { idleMs: 8 * 3_600_000, maxMs: 24 * 3_600_000 } as const;

/**
 * A signed-in session of the admin page. `_id` is the SHA-256 of the random id in the
 * cookie, so a copy of the database does not hold a usable cookie; any process reads it.
 * The session names its credential only: role and councils are read from the credential on
 * every request (a revoked credential ends its sessions).
 */
export const adminSessionDocSchema = z.object({
  _id: z.string().regex(/^[0-9a-f]{64}$/),
  credentialId: z.string().min(1),
  /** Put in every form of the page and checked on every POST. */
  csrfToken: z.string().min(32),
  createdAt: z.date(),
  lastSeenAt: z.date(),
  /** The earlier of lastSeenAt + idle and createdAt + max. */
  expiresAt: z.date(),
});

export type AdminSessionDoc = z.infer<typeof adminSessionDocSchema>;

/** A live session as a request sees it (never the hashed id). */
export interface AdminSession {
  credentialId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Opens a session for a credential that just checked out; returns the cookie value (shown
 * to the browser only) and the session. Expired sessions are swept on the way (FerretDB v1
 * has no TTL index).
 *
 * @example const { cookie } = await openAdminSession(db, principal.credentialId)
 */
export async function openAdminSession(
  db: Db,
  credentialId: string,
  now = new Date(),
): Promise<{ cookie: string; session: AdminSession }> {
  await sessions(db).deleteMany({ expiresAt: { $lte: now } });
  const cookie = randomBytes(32).toString('base64url');
  const doc = checkForWrite(
    adminSessionDocSchema,
    {
      _id: hashOf(cookie),
      credentialId,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: expiryOf(now, now),
    },
    'admin_sessions/new',
  );
  await sessions(db).insertOne(doc);
  return { cookie, session: toSession(doc) };
}

/**
 * The live session of a cookie value, or null (unknown, expired, malformed). Using it moves
 * the idle deadline on, written at most once a minute so that reading pages costs no write.
 */
export async function touchAdminSession(
  db: Db,
  cookie: string,
  now = new Date(),
): Promise<AdminSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(cookie)) return null;
  const _id = hashOf(cookie);
  const raw = await sessions(db).findOne({ _id });
  if (raw === null) return null;
  const doc = parseStored(adminSessionDocSchema, raw, 'admin_sessions/…');
  if (doc.expiresAt.getTime() <= now.getTime()) {
    await sessions(db).deleteOne({ _id });
    return null;
  }
  if (now.getTime() - doc.lastSeenAt.getTime() >= 60_000) {
    const expiresAt = expiryOf(doc.createdAt, now);
    await sessions(db).updateOne({ _id }, { $set: { lastSeenAt: now, expiresAt } });
    return toSession({ ...doc, expiresAt });
  }
  return toSession(doc);
}

/** Ends a session (sign-out). */
export async function closeAdminSession(db: Db, cookie: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(cookie)) return;
  await sessions(db).deleteOne({ _id: hashOf(cookie) });
}

function expiryOf(createdAt: Date, lastSeenAt: Date): Date {
  return new Date(
    Math.min(
      lastSeenAt.getTime() + adminSessionLimits.idleMs,
      createdAt.getTime() + adminSessionLimits.maxMs,
    ),
  );
}

function toSession(doc: AdminSessionDoc): AdminSession {
  return {
    credentialId: doc.credentialId,
    csrfToken: doc.csrfToken,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
  };
}

function hashOf(cookie: string): string {
  return createHash('sha256').update(cookie).digest('hex');
}

function sessions(db: Db) {
  return db.collection<AdminSessionDoc>(collectionNames.adminSessions, { ignoreUndefined: true });
}
