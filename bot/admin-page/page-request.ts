import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Lang } from '../../dialogs/session-state.js';
import { translator, type Translate } from '../../dialogs/translate.js';
import enStrings from '../../locales/en/admin.json' with { type: 'json' };
import frStrings from '../../locales/fr/admin.json' with { type: 'json' };
import type { AdminSession } from '../../storage/admin-sessions.js';
import type { AuditActor } from '../../storage/audit-log.js';
import type { Principal } from '../../storage/credentials.js';
import type { Scope } from '../admin-api/scope-request.js';
import type { PageFrame } from './render-admin-page.js';

/** The admin page's strings (locales/<lang>/admin.json, keys `admin.*`). */
export const adminCatalog = { fr: frStrings, en: enStrings } as const;

/** A request of a signed-in page, its session and credential checked. */
export interface PageRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  principal: Principal;
  session: AdminSession;
  lang: Lang;
  t: Translate;
  frame: PageFrame;
  /** The councils this request may see, from its `council`/`department` parameters (as the API). */
  scope(): Promise<Scope>;
  /** A POST's fields, once its CSRF token and origin checked out; empty for a GET. */
  form: URLSearchParams;
}

export type PageHandler = (request: PageRequest) => Promise<void>;

/** The cookies of a request, by name (the first of a name wins). */
export function cookiesOf(req: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

export const langCookie = 'concerto_admin_lang';

/** The page's language: the switch's cookie, else the browser's preference, else French. */
export function langOf(req: IncomingMessage): Lang {
  const chosen = cookiesOf(req).get(langCookie);
  if (chosen === 'fr' || chosen === 'en') return chosen;
  const accepted = (req.headers['accept-language'] ?? '').toLowerCase();
  const fr = accepted.search(/\bfr\b/);
  const en = accepted.search(/\ben\b/);
  return en >= 0 && (fr < 0 || en < fr) ? 'en' : 'fr';
}

export function translatorFor(lang: Lang): Translate {
  return translator(adminCatalog, lang);
}

/** Reads an `application/x-www-form-urlencoded` body up to `limit` bytes; null when it is not one. */
export async function readForm(
  req: IncomingMessage,
  limit = 16 * 1024,
): Promise<URLSearchParams | null> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Whether a POST comes from a page of this site: a browser says so in Sec-Fetch-Site and
 * Origin; one that sends neither is left to the CSRF token alone. Refused: another site, a
 * `null` origin (a sandboxed frame, a file), an origin that is not this server's.
 */
export function fromThisSite(req: IncomingMessage, publicUrl: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  const allowed = new Set([
    new URL(publicUrl).origin,
    ...(host === undefined ? [] : [`http://${host}`, `https://${host}`]),
  ]);
  return allowed.has(origin);
}

/** A path of the admin site to come back to; anything else (another site, `//host`) is /admin. */
export function safeBack(path: string | null): string {
  if (path === null || !/^\/admin(?:[/?#]|$)/.test(path) || path.startsWith('//')) return '/admin';
  return path;
}

/** The audit log's actor for what a signed-in person does on the page. */
export function actorOf(principal: Principal): AuditActor {
  return {
    kind: 'credential',
    credentialId: principal.credentialId,
    name: principal.name,
    role: principal.role,
  };
}
