import type { ServerResponse } from 'node:http';
import { touchAdminSession } from '../../storage/admin-sessions.js';
import { principalOfCredential } from '../../storage/credentials.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import {
  createCredentialCheck,
  type AuthenticatorOptions,
} from '../admin-api/authenticate-request.js';
import { scopeOfUrl } from '../admin-api/scope-request.js';
import type { Route } from '../http/create-http-server.js';
import { escapeHtml } from '../synthesis/html-parts.js';
import { auditPage } from './audit-page.js';
import { councilPage, councilQrCode, councilsPage, setMembers } from './councils-page.js';
import { recordedDrawDownload } from './draw-history.js';
import { invitePage, sendDrawInvitations } from './draw-invitations.js';
import { drawDownload, drawPage, runDraw } from './draw-page.js';
import { exportDownload, exportsPage } from './exports-page.js';
import { overviewPage } from './overview-page.js';
import {
  cookiesOf,
  fromThisSite,
  langOf,
  readForm,
  translatorFor,
  type PageHandler,
} from './page-request.js';
import { redirect, renderAdminPage, sendPage } from './render-admin-page.js';
import { remindersPage, planReminders, sendReminders } from './reminders-page.js';
import { sameToken, sessionCookie, signInRoutes } from './sign-in-routes.js';
import { synthesisPage, synthesisReport } from './synthesis-page.js';

export interface AdminPageOptions extends Pick<AuthenticatorOptions, 'maxFailures' | 'windowMs'> {
  /** The clock of sessions (tests move it on to see them expire). */
  now?: () => Date;
}

/**
 * `/admin`: the admin site, pages for people (the API under `/admin/api` is for scripts).
 * Every page but the sign-in needs a session; role and council scope are checked on every
 * page and action with the API's own checks (`scopeOfUrl`, the export route, `forbidden`);
 * every POST needs the session's CSRF token and to come from this site. Plain `Route`s,
 * registered by `concerto serve` beside the API's.
 *
 * @example const routes = [...adminApiRoutes(runtime), ...adminPageRoutes(runtime)]
 */
export function adminPageRoutes(deps: AdminPageDeps, options: AdminPageOptions = {}): Route[] {
  const now = options.now ?? (() => new Date());
  const check = createCredentialCheck({
    db: deps.db,
    adminToken: deps.config.ADMIN_TOKEN,
    trustProxy: deps.config.TRUST_PROXY,
    ...(options.maxFailures === undefined ? {} : { maxFailures: options.maxFailures }),
    ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
    now: () => now().getTime(),
  });
  const guard =
    (handler: PageHandler, access: { adminOnly?: boolean } = {}): Route['handle'] =>
    async (req, res, params) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const lang = langOf(req);
      const t = translatorFor(lang);
      const value = cookiesOf(req).get(sessionCookie);
      const session = value === undefined ? null : await touchAdminSession(deps.db, value, now());
      const principal =
        session === null
          ? null
          : await principalOfCredential(deps.db, session.credentialId, {
              adminToken: deps.config.ADMIN_TOKEN,
            });
      if (session === null || principal === null) {
        if (req.method === 'GET') {
          redirect(res, `/admin/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
          return;
        }
        refuse(res, 403, t('admin.session_expired'), lang);
        return;
      }
      let form = new URLSearchParams();
      if (req.method === 'POST') {
        const fields = await readForm(req);
        if (
          fields === null ||
          !fromThisSite(req, deps.config.PUBLIC_URL) ||
          !sameToken(fields.get('csrf'), session.csrfToken)
        ) {
          refuse(res, 403, t('admin.csrf_refused'), lang);
          return;
        }
        form = fields;
      }
      const frame = {
        lang,
        t,
        here: url.pathname + url.search,
        signedIn: { principal, csrfToken: session.csrfToken },
      };
      if (access.adminOnly === true && principal.role !== 'admin') {
        sendPage(
          res,
          403,
          renderAdminPage(frame, {
            title: t('admin.forbidden.title'),
            body: `<p>${escapeHtml(t('admin.forbidden.admins_only'))}</p>`,
          }),
        );
        return;
      }
      await handler({
        req,
        res,
        url,
        params,
        principal,
        session,
        lang,
        t,
        frame,
        form,
        scope: () => scopeOfUrl(deps.db, principal, url),
      });
    };
  const get = (path: string | RegExp, handler: PageHandler, access = {}): Route => ({
    method: 'GET',
    path,
    handle: guard(handler, access),
  });
  const post = (path: string | RegExp, handler: PageHandler, access = {}): Route => ({
    method: 'POST',
    path,
    handle: guard(handler, access),
  });
  const adminOnly = { adminOnly: true };
  return [
    ...signInRoutes(deps, { check, now }),
    { method: 'GET', path: '/admin/', handle: (_req, res) => redirect(res, '/admin') },
    get('/admin', overviewPage(deps)),
    get('/admin/councils', councilsPage(deps)),
    get(/^\/admin\/councils\/([A-Za-z0-9]{1,16})$/, councilPage(deps)),
    get(
      /^\/admin\/councils\/([A-Za-z0-9]{1,16})\/qr-(telegram|web)\.(svg|png)$/,
      councilQrCode(deps),
    ),
    post(/^\/admin\/councils\/([A-Za-z0-9]{1,16})\/members$/, setMembers(deps), adminOnly),
    get('/admin/reminders', remindersPage(deps)),
    post('/admin/reminders/plan', planReminders(deps)),
    post('/admin/reminders/send', sendReminders(deps)),
    get('/admin/exports', exportsPage(deps)),
    get(/^\/admin\/exports\/([a-z-]+)$/, exportDownload(deps)),
    get('/admin/synthesis', synthesisPage(deps)),
    get(/^\/admin\/synthesis\/report\.(html|json)$/, synthesisReport(deps)),
    get('/admin/draw', drawPage(deps), adminOnly),
    post('/admin/draw', runDraw(deps), adminOnly),
    get('/admin/draw/list.csv', drawDownload(deps), adminOnly),
    get('/admin/draw/recorded.csv', recordedDrawDownload(deps), adminOnly),
    get('/admin/draw/invite', invitePage(deps), adminOnly),
    post('/admin/draw/invite', sendDrawInvitations(deps), adminOnly),
    get('/admin/audit', auditPage(deps), adminOnly),
  ];
}

/** A short page for a refused request (no navigation: there may be no session). */
function refuse(res: ServerResponse, status: number, message: string, lang: 'fr' | 'en'): void {
  const t = translatorFor(lang);
  sendPage(
    res,
    status,
    renderAdminPage(
      { lang, t, here: '/admin' },
      {
        title: t('admin.refused.title'),
        body: `<p>${escapeHtml(message)}</p><p><a href="/admin/sign-in">${escapeHtml(t('admin.sign_in.title'))}</a></p>`,
      },
    ),
  );
}
