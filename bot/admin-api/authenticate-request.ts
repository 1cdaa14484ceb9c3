import type { IncomingMessage } from 'node:http';
import type { Db } from 'mongodb';
import { verifyCredential, type Principal } from '../../storage/credentials.js';
import { clientAddress } from '../http/client-address.js';

export type Authentication =
  | { kind: 'ok'; principal: Principal }
  /** No credential, or one that is unknown, mistyped or revoked. */
  | { kind: 'unauthorized' }
  /** Too many failed attempts from this address: refused until `retryAfter` seconds pass. */
  | { kind: 'too_many'; retryAfter: number };

export interface AuthenticatorOptions {
  db: Db;
  adminToken?: string | undefined;
  trustProxy: boolean;
  /** Failed attempts allowed per address and window (default 10 per 15 minutes). */
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * Checks the bearer credential of a request (`Authorization: Bearer <credential>`). Failed
 * attempts are counted per client address (TRUST_PROXY: the address the proxy saw); past the
 * limit, every request from it is refused until the window ends, a right credential too, so
 * guessing gains nothing. The credential is read from the database on every request: one
 * made or revoked from the command line counts at once.
 *
 * @example const auth = createAuthenticator({ db, adminToken, trustProxy: false }); const result = await auth(req)
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const check = createCredentialCheck(options);
  return function authenticate(req: IncomingMessage): Promise<Authentication> {
    return check(clientAddress(req, options.trustProxy), bearerToken(req));
  };
}

/**
 * The check behind `createAuthenticator`, for a credential that comes some other way (the
 * admin page's sign-in form): the same failure count per address, the same refusals.
 */
export function createCredentialCheck(options: AuthenticatorOptions) {
  const max = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, { start: number; count: number }>();
  return async function check(address: string, token: string | undefined): Promise<Authentication> {
    const t = now();
    const window = failures.get(address);
    if (window && t - window.start >= windowMs) failures.delete(address);
    const current = failures.get(address);
    if (current && current.count >= max)
      return {
        kind: 'too_many',
        retryAfter: Math.max(1, Math.ceil((current.start + windowMs - t) / 1000)),
      };
    const principal =
      token === undefined
        ? null
        : await verifyCredential(options.db, token, { adminToken: options.adminToken });
    if (principal !== null) return { kind: 'ok', principal };
    if (failures.size > 10_000)
      for (const [key, w] of failures) if (t - w.start >= windowMs) failures.delete(key);
    if (current) current.count += 1;
    else failures.set(address, { start: t, count: 1 });
    return { kind: 'unauthorized' };
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return match?.[1];
}
