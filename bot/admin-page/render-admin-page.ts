import type { ServerResponse } from 'node:http';
import type { Lang } from '../../dialogs/session-state.js';
import type { Translate } from '../../dialogs/translate.js';
import type { Principal } from '../../storage/credentials.js';
import { escapeHtml } from '../synthesis/html-parts.js';
import { adminStyles } from './admin-styles.js';

/** The pages of the navigation, in order; `adminOnly` ones are not shown to coordinators. */
const navigation = [
  { path: '/admin', key: 'admin.nav.overview' },
  { path: '/admin/councils', key: 'admin.nav.councils' },
  { path: '/admin/reminders', key: 'admin.nav.reminders' },
  { path: '/admin/exports', key: 'admin.nav.exports' },
  { path: '/admin/synthesis', key: 'admin.nav.synthesis' },
  { path: '/admin/draw', key: 'admin.nav.draw', adminOnly: true },
  { path: '/admin/audit', key: 'admin.nav.audit', adminOnly: true },
] as const;

export interface PageFrame {
  lang: Lang;
  t: Translate;
  /** The path and query of this page, for the language switch to come back to. */
  here: string;
  /** Signed in: the navigation, who is signed in, the sign-out form. */
  signedIn?: { principal: Principal; csrfToken: string } | undefined;
}

/**
 * A whole page of the admin site: skip link, header with the navigation (the current page
 * marked with aria-current), the language switch and sign-out, then `body` in <main>.
 * No script: every action is a form.
 *
 * @example sendPage(res, 200, renderAdminPage(frame, { title: t('admin.overview.title'), body }))
 */
export function renderAdminPage(frame: PageFrame, page: { title: string; body: string }): string {
  const { t, lang } = frame;
  const other: Lang = lang === 'fr' ? 'en' : 'fr';
  const current = navigation
    .filter((item) => frame.here === item.path || frame.here.startsWith(`${item.path}/`))
    .at(-1)?.path;
  const user = frame.signedIn;
  const nav = user
    ? `<nav aria-label="${escapeHtml(t('admin.nav.label'))}"><ul>${navigation
        .filter((item) => !('adminOnly' in item) || user.principal.role === 'admin')
        .map(
          (item) =>
            `<li><a href="${item.path}"${item.path === current ? ' aria-current="page"' : ''}>${escapeHtml(t(item.key))}</a></li>`,
        )
        .join('')}</ul></nav>`
    : '';
  const who = user
    ? `<p class="who">${escapeHtml(
        t(user.principal.role === 'admin' ? 'admin.who.admin' : 'admin.who.coordinator', {
          name: user.principal.name,
        }),
      )}</p><form method="post" action="/admin/sign-out" class="inline">${csrfField(user.csrfToken)}<button type="submit" class="link">${escapeHtml(t('admin.sign_out'))}</button></form>`
    : '';
  const switchHref = `/admin/lang?to=${other}&amp;back=${encodeURIComponent(frame.here)}`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · ${escapeHtml(t('admin.site'))}</title>
<style>${adminStyles}</style>
</head>
<body>
<a class="skip" href="#main">${escapeHtml(t('admin.skip'))}</a>
<header>
<div class="bar"><p class="site">${escapeHtml(t('admin.site'))}</p>${who}<a class="lang" href="${switchHref}" lang="${other}" hreflang="${other}">${escapeHtml(t('admin.lang.switch'))}</a></div>
${nav}
</header>
<main id="main" tabindex="-1">
<h1>${escapeHtml(page.title)}</h1>
${page.body}
</main>
</body>
</html>
`;
}

/** The hidden field every form of a signed-in page carries. */
export function csrfField(token: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(token)}">`;
}

/** Headers of every admin page: nothing cached, nothing framed, no script, no outside request. */
export const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
} as const;

export function sendPage(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, { ...pageHeaders, ...headers });
  res.end(html);
}

/** 303 to a path of the admin site (after a form, or to the sign-in page). */
export function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
}

/** A paragraph for a message after an action: role="status" so it is read out. */
export function notice(text: string, tone: 'ok' | 'error' = 'ok'): string {
  return `<p class="notice ${tone}" role="${tone === 'error' ? 'alert' : 'status'}">${escapeHtml(text)}</p>`;
}

/** A date and time in Paris, in the page's language. */
export function formatDateTime(at: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  }).format(at);
}

/** 403 for a signed-in request outside its role or scope, with the reason. */
export function forbiddenPage(
  request: { res: ServerResponse; frame: PageFrame; t: Translate },
  reason: string,
): void {
  sendPage(
    request.res,
    403,
    renderAdminPage(request.frame, {
      title: request.t('admin.forbidden.title'),
      body: `<p>${escapeHtml(reason)}</p>`,
    }),
  );
}

/** Sends a signed-in page: the frame of the request around `body`. */
export function showPage(
  request: { res: ServerResponse; frame: PageFrame },
  title: string,
  body: string,
  status = 200,
): void {
  sendPage(request.res, status, renderAdminPage(request.frame, { title, body }));
}
