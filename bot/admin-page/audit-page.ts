import { describeActor, describeDetails, readAuditTrail } from '../admin/read-audit-trail.js';
import { escapeHtml, formatNumber } from '../synthesis/html-parts.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import type { PageHandler } from './page-request.js';
import { formatDateTime, showPage } from './render-admin-page.js';

/** How many entries the page shows (the newest); `concerto admin audit` gives them all. */
const shown = 300;

/**
 * `GET /admin/audit[?days=N]` (admins): who exported, drew, sent or changed what, newest
 * first — the same trail as `concerto admin audit` and `GET /admin/api/audit`.
 */
export function auditPage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t, lang } = request;
    const daysText = request.url.searchParams.get('days') ?? '30';
    const days = /^\d{1,4}$/.test(daysText) && Number(daysText) > 0 ? Number(daysText) : 30;
    const since = new Date(Date.now() - days * 86_400_000);
    const entries = (await readAuditTrail(deps.db, { since })).reverse();
    const rows = entries
      .slice(0, shown)
      .map(
        (e) =>
          `<tr><td>${escapeHtml(formatDateTime(e.at, lang))}</td><td>${escapeHtml(describeActor(e.actor))}${e.actor.role ? ` <span class="hint">${escapeHtml(t(`admin.role.${e.actor.role}`))}</span>` : ''}</td><td>${escapeHtml(e.action)}</td><td><code>${escapeHtml(describeDetails(e.details))}</code></td><td>${escapeHtml(e.outcome)}</td><td class="num">${e.rows === undefined ? '' : formatNumber(e.rows, lang)}</td></tr>`,
      )
      .join('');
    const body = `<form method="get" action="/admin/audit">
<label for="days">${escapeHtml(t('admin.audit.days'))}</label>
<input id="days" name="days" inputmode="numeric" pattern="[0-9]*" size="5" value="${days}"> <button type="submit" class="secondary">${escapeHtml(t('admin.show'))}</button>
</form>
${
  entries.length === 0
    ? `<p>${escapeHtml(t('admin.audit.none'))}</p>`
    : `<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.audit.caption', { count: Math.min(shown, entries.length), total: entries.length }))}</caption><thead><tr><th scope="col">${escapeHtml(t('admin.audit.at'))}</th><th scope="col">${escapeHtml(t('admin.audit.who'))}</th><th scope="col">${escapeHtml(t('admin.audit.action'))}</th><th scope="col">${escapeHtml(t('admin.audit.details'))}</th><th scope="col">${escapeHtml(t('admin.audit.outcome'))}</th><th scope="col" class="num">${escapeHtml(t('admin.audit.rows'))}</th></tr></thead><tbody>${rows}</tbody></table></div>`
}`;
    showPage(request, t('admin.audit.title'), body);
  };
}
