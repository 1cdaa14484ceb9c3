import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  adminSessionLimits,
  closeAdminSession,
  openAdminSession,
  touchAdminSession,
} from '../../storage/admin-sessions.js';
import type { AdminApiDeps } from '../admin-api/admin-api-deps.js';
import type { Authentication } from '../admin-api/authenticate-request.js';
import { clientAddress } from '../http/client-address.js';
import type { Route } from '../http/create-http-server.js';
import { escapeHtml } from '../synthesis/html-parts.js';
import {
  cookiesOf,
  fromThisSite,
  langCookie,
  langOf,
  readForm,
  safeBack,
  translatorFor,
} from './page-request.js';
import { notice, redirect, renderAdminPage, sendPage } from './render-admin-page.js';

export const sessionCookie = 'concerto_admin';
const signInCookie = 'concerto_admin_signin';

export interface SignInOptions {
  /** The credential check (shared failure count per address with nothing else). */
  check(address: string, token: string | undefined): Promise<Authentication>;
  now(): Date;
}

/**
 * `GET/POST /admin/sign-in`, `POST /admin/sign-out`, `GET /admin/lang`. The sign-in form
 * carries a token that must match a cookie set with it (a form posted from elsewhere has
 * neither), and failed sign-ins count per address like the API's bearer checks.
 */
export function signInRoutes(deps: AdminApiDeps, options: SignInOptions): Route[] {
  const secure = deps.config.PUBLIC_URL.startsWith('https:');
  const cookie = (name: string, value: string, maxAgeSeconds: number) =>
    `${name}=${value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
  const form = (req: IncomingMessage, status: number, problem?: string, headers = {}) => {
    const lang = langOf(req);
    const t = translatorFor(lang);
    const token = randomBytes(24).toString('base64url');
    const next = safeBack(new URL(req.url ?? '/', 'http://localhost').searchParams.get('next'));
    const body = `${problem === undefined ? '' : notice(problem, 'error')}
<form method="post" action="/admin/sign-in" class="signin">
<input type="hidden" name="csrf" value="${token}">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label for="credential">${escapeHtml(t('admin.sign_in.credential'))}</label>
<p class="hint" id="credential-hint">${escapeHtml(t('admin.sign_in.hint'))}</p>
<input id="credential" name="credential" type="password" autocomplete="current-password" required aria-describedby="credential-hint"${problem === undefined ? '' : ' aria-invalid="true"'}>
<p><button type="submit">${escapeHtml(t('admin.sign_in.submit'))}</button></p>
</form>`;
    return {
      status,
      html: renderAdminPage(
        { lang, t, here: '/admin/sign-in' },
        { title: t('admin.sign_in.title'), body },
      ),
      headers: { 'set-cookie': cookie(signInCookie, token, 3600), ...headers },
    };
  };
  return [
    {
      method: 'GET',
      path: '/admin/sign-in',
      handle: (req, res) => {
        const page = form(req, 200);
        sendPage(res, page.status, page.html, page.headers);
      },
    },
    {
      method: 'POST',
      path: '/admin/sign-in',
      handle: async (req, res) => {
        const t = translatorFor(langOf(req));
        const fields = await readForm(req);
        const expected = cookiesOf(req).get(signInCookie);
        if (
          fields === null ||
          !fromThisSite(req, deps.config.PUBLIC_URL) ||
          !sameToken(fields.get('csrf'), expected)
        ) {
          const page = form(req, 403, t('admin.csrf_refused'));
          sendPage(res, page.status, page.html, page.headers);
          return;
        }
        const token = fields.get('credential')?.trim() ?? '';
        const address = clientAddress(req, deps.config.TRUST_PROXY);
        const result = await options.check(address, token === '' ? undefined : token);
        if (result.kind === 'too_many') {
          const page = form(req, 429, t('admin.sign_in.too_many'), {
            'retry-after': String(result.retryAfter),
          });
          sendPage(res, page.status, page.html, page.headers);
          return;
        }
        if (result.kind === 'unauthorized') {
          const page = form(req, 401, t('admin.sign_in.refused'));
          sendPage(res, page.status, page.html, page.headers);
          return;
        }
        const { cookie: value } = await openAdminSession(
          deps.db,
          result.principal.credentialId,
          options.now(),
        );
        redirect(res, safeBack(fields.get('next')), {
          'set-cookie': [
            cookie(sessionCookie, value, adminSessionLimits.maxMs / 1000),
            cookie(signInCookie, '', 0),
          ],
        });
      },
    },
    {
      method: 'POST',
      path: '/admin/sign-out',
      handle: async (req, res) => {
        const value = cookiesOf(req).get(sessionCookie);
        const fields = await readForm(req);
        const session =
          value === undefined ? null : await touchAdminSession(deps.db, value, options.now());
        const mine =
          value !== undefined &&
          session !== null &&
          fromThisSite(req, deps.config.PUBLIC_URL) &&
          sameToken(fields?.get('csrf'), session.csrfToken);
        if (!mine) {
          redirect(res, session === null ? '/admin/sign-in' : '/admin');
          return;
        }
        await closeAdminSession(deps.db, value);
        redirect(res, '/admin/sign-in', { 'set-cookie': cookie(sessionCookie, '', 0) });
      },
    },
    {
      method: 'GET',
      path: '/admin/lang',
      handle: (req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const to = url.searchParams.get('to') === 'en' ? 'en' : 'fr';
        redirect(res, safeBack(url.searchParams.get('back')), {
          'set-cookie': `${langCookie}=${to}; Path=/admin; SameSite=Lax; Max-Age=31536000${secure ? '; Secure' : ''}`,
        });
      },
    },
  ];
}

/** Constant-time comparison of a form's token with the expected one. */
export function sameToken(given: string | null | undefined, expected: string | undefined): boolean {
  if (given === null || given === undefined || expected === undefined || expected === '')
    return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
