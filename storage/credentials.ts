import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { checkForWrite, parseStored } from './storage-error.js';

export const credentialRoles = ['admin', 'coordinator'] as const;
export type CredentialRole = (typeof credentialRoles)[number];

/**
 * An admin or coordinator credential for the admin API. The token is shown once when made;
 * only its SHA-256 is kept (tokens are 256 random bits, not passwords: a slow hash adds nothing).
 */
export const credentialDocSchema = z.object({
  /** Also part of the token, so a check reads one document by `_id`. */
  _id: z.string().regex(/^[a-z2-9]{10}$/),
  name: z.string().min(1),
  role: z.enum(credentialRoles),
  /** A coordinator's councils (their scope on every route); empty for an admin. */
  councilIds: z.array(z.string()),
  /** The coordinator record (Telegram link, `concerto admin coordinator`) it speaks for. */
  coordinatorId: z.string().optional(),
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.date(),
  /** `cli`, or the credential that made it. */
  createdBy: z.string(),
  revokedAt: z.date().optional(),
});

export type CredentialDoc = z.infer<typeof credentialDocSchema>;
/** A credential as listed: everything but its hash. */
export type Credential = Omit<CredentialDoc, 'tokenHash'>;

/** Who is asking, once a credential checked out: what every admin route scopes by. */
export interface Principal {
  /** The credential's id, or `ADMIN_TOKEN` for the bootstrap token. */
  credentialId: string;
  name: string;
  role: CredentialRole;
  /** The councils a coordinator may see; an admin sees them all. */
  councilIds: string[];
}

/** The principal of `ADMIN_TOKEN`, accepted as an admin credential while it is set. */
export const bootstrapAdmin: Principal = {
  credentialId: 'ADMIN_TOKEN',
  name: 'ADMIN_TOKEN',
  role: 'admin',
  councilIds: [],
};

/**
 * Makes a credential and returns its token, to be shown once.
 *
 * @example const { token } = await createCredential(db, { name: 'Nadia', role: 'coordinator', councilIds: ['QN05981M'] })
 */
export async function createCredential(
  db: Db,
  input: {
    name: string;
    role: CredentialRole;
    councilIds?: readonly string[];
    coordinatorId?: string | undefined;
    createdBy?: string;
  },
  at = new Date(),
): Promise<{ credential: Credential; token: string }> {
  const id = randomId();
  const token = `concerto.${id}.${randomBytes(32).toString('base64url')}`;
  const doc = checkForWrite(
    credentialDocSchema,
    {
      _id: id,
      name: input.name.trim(),
      role: input.role,
      councilIds: input.role === 'admin' ? [] : [...new Set(input.councilIds ?? [])],
      ...(input.coordinatorId === undefined ? {} : { coordinatorId: input.coordinatorId }),
      tokenHash: sha256(token),
      createdAt: at,
      createdBy: input.createdBy ?? 'cli',
    },
    `credentials/${id}`,
  );
  await credentials(db).insertOne(doc);
  const { tokenHash: _, ...credential } = doc;
  return { credential, token };
}

/**
 * The principal a bearer token stands for, or null: unknown, mistyped, revoked. Hashes are
 * compared in constant time; `ADMIN_TOKEN`, while set, is an admin credential too. Read from
 * the database on every call, so a revocation made by the command line applies at once.
 *
 * @example const who = await verifyCredential(db, token, { adminToken: config.ADMIN_TOKEN })
 */
export async function verifyCredential(
  db: Db,
  token: string,
  options: { adminToken?: string | undefined } = {},
): Promise<Principal | null> {
  const given = Buffer.from(sha256(token), 'hex');
  if (options.adminToken !== undefined) {
    const expected = Buffer.from(sha256(options.adminToken), 'hex');
    if (timingSafeEqual(given, expected)) return bootstrapAdmin;
  }
  const id = /^concerto\.([a-z2-9]{10})\.[A-Za-z0-9_-]{43}$/.exec(token)?.[1];
  if (id === undefined) return null;
  const raw = await credentials(db).findOne({ _id: id });
  if (raw === null) return null;
  const doc = parseStored(credentialDocSchema, raw, `credentials/${id}`);
  if (!timingSafeEqual(given, Buffer.from(doc.tokenHash, 'hex'))) return null;
  if (doc.revokedAt !== undefined) return null;
  return { credentialId: doc._id, name: doc.name, role: doc.role, councilIds: doc.councilIds };
}

/**
 * The principal of a credential by id, or null once it is revoked or gone: a signed-in
 * session of the admin page holds only the id and asks again on every request, so a
 * revocation ends its sessions at once. `ADMIN_TOKEN` counts only while it is still set.
 */
export async function principalOfCredential(
  db: Db,
  credentialId: string,
  options: { adminToken?: string | undefined } = {},
): Promise<Principal | null> {
  if (credentialId === bootstrapAdmin.credentialId)
    return options.adminToken === undefined ? null : bootstrapAdmin;
  const raw = await credentials(db).findOne({ _id: String(credentialId) });
  if (raw === null) return null;
  const doc = parseStored(credentialDocSchema, raw, `credentials/${credentialId}`);
  if (doc.revokedAt !== undefined) return null;
  return { credentialId: doc._id, name: doc.name, role: doc.role, councilIds: doc.councilIds };
}

/** The coordinator record (Telegram link) a credential speaks for, if it names one. */
export async function coordinatorIdOfCredential(
  db: Db,
  credentialId: string,
): Promise<string | undefined> {
  const raw = await credentials(db).findOne({ _id: String(credentialId) });
  if (raw === null) return undefined;
  return parseStored(credentialDocSchema, raw, `credentials/${credentialId}`).coordinatorId;
}

/** Every credential, oldest first, without hashes. */
export async function listCredentials(db: Db): Promise<Credential[]> {
  const docs = await credentials(db).find({}).toArray();
  return docs
    .map((raw) => parseStored(credentialDocSchema, raw, `credentials/${raw._id}`))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map(({ tokenHash: _, ...credential }) => credential);
}

/** Revokes a credential; `unknown` when there is none with this id, `already` if it was. */
export async function revokeCredential(
  db: Db,
  id: string,
  at = new Date(),
): Promise<
  { kind: 'revoked'; credential: Credential } | { kind: 'unknown' } | { kind: 'already' }
> {
  const raw = await credentials(db).findOne({ _id: String(id) });
  if (raw === null) return { kind: 'unknown' };
  const doc = parseStored(credentialDocSchema, raw, `credentials/${id}`);
  if (doc.revokedAt !== undefined) return { kind: 'already' };
  await credentials(db).updateOne({ _id: doc._id }, { $set: { revokedAt: at } });
  const { tokenHash: _, ...credential } = doc;
  return { kind: 'revoked', credential: { ...credential, revokedAt: at } };
}

function credentials(db: Db) {
  return db.collection<CredentialDoc>(collectionNames.credentials, { ignoreUndefined: true });
}

/** No 0/O, 1/I/L: an id is read out and typed in `concerto admin revoke ID`. */
const idAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

function randomId(): string {
  return [...randomBytes(10)].map((b) => idAlphabet[b % idAlphabet.length]).join('');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
