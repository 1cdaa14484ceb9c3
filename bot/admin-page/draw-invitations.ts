import { finishAudit, recordAudit } from '../../storage/audit-log.js';
import { escapeHtml, formatNumber } from '../synthesis/html-parts.js';
import { invitationDetailsMax, inviteDraw } from '../workshop/invite-draw.js';
import type { InvitationReport } from '../workshop/send-invitations.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import { actorOf, type PageHandler, type PageRequest } from './page-request.js';
import { csrfField, notice, showPage } from './render-admin-page.js';

/**
 * `GET /admin/draw/invite?seed=…` (admins): what sending the invitations of a draw would do
 * (a dry run: how many by Telegram, Web Push, at the next visit, already invited), and the
 * form that sends them, with the details to write and a box to tick.
 */
export function invitePage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const seed = (request.url.searchParams.get('seed') ?? '').trim();
    await showInviteForm(deps, request, seed, { fr: '', en: '' }, undefined);
  };
}

/**
 * `POST /admin/draw/invite` (admins, CSRF-checked as every form): sends the invitations of
 * the draw once each (bot/workshop/invite-draw.ts), audited, and says how it went.
 */
export function sendDrawInvitations(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t, form } = request;
    const seed = (form.get('seed') ?? '').trim();
    const details = {
      fr: (form.get('details') ?? '').trim(),
      en: (form.get('details-en') ?? '').trim(),
    };
    const problem =
      details.fr === ''
        ? 'admin.invite.details_missing'
        : Math.max(details.fr.length, details.en.length) > invitationDetailsMax
          ? 'admin.invite.details_long'
          : form.get('confirm') !== 'yes'
            ? 'admin.invite.not_confirmed'
            : undefined;
    if (problem !== undefined) {
      await showInviteForm(deps, request, seed, details, t(problem, { max: invitationDetailsMax }));
      return;
    }
    const auditId = await recordAudit(deps.db, {
      actor: actorOf(request.principal),
      action: 'workshop_invite',
      details: { seed },
    });
    let invited;
    try {
      invited = await inviteDraw(deps, {
        seed,
        details: { fr: details.fr, en: details.en || undefined },
      });
    } catch (error) {
      await finishAudit(deps.db, auditId, { outcome: 'failed' });
      throw error;
    }
    if (invited === null) {
      await finishAudit(deps.db, auditId, { outcome: 'failed' });
      showPage(
        request,
        t('admin.invite.title'),
        notice(t('admin.draw.no_such_draw'), 'error'),
        404,
      );
      return;
    }
    const { report } = invited;
    await finishAudit(deps.db, auditId, {
      outcome: report.failed > 0 ? 'failed' : 'done',
      rows: report.outcomes.length,
    });
    const query = new URLSearchParams({ seed }).toString();
    const body = `${notice(t('admin.invite.done', { sent: report.sent, held: report.held, already: report.alreadyInvited }), report.failed > 0 ? 'error' : 'ok')}
${summary(request, report, invited.telegram)}
<p><a class="button" href="/admin/draw/recorded.csv?${escapeHtml(query)}&amp;contacts=full" download>${escapeHtml(t('admin.draw.list_full'))}</a> <a class="button secondary" href="/admin/draw">${escapeHtml(t('admin.invite.back'))}</a></p>`;
    showPage(request, t('admin.invite.title'), body);
  };
}

async function showInviteForm(
  deps: AdminPageDeps,
  request: PageRequest,
  seed: string,
  details: { fr: string; en: string },
  problem: string | undefined,
): Promise<void> {
  const { t } = request;
  const planned =
    seed === '' ? null : await inviteDraw(deps, { seed, details: { fr: 'x' }, dryRun: true });
  if (planned === null) {
    showPage(request, t('admin.invite.title'), notice(t('admin.draw.no_such_draw'), 'error'), 404);
    return;
  }
  const body = `${problem === undefined ? '' : notice(problem, 'error')}
<p>${escapeHtml(t('admin.invite.intro', { seed, drawn: planned.draw.drawn.length }))}</p>
${summary(request, planned.report, planned.telegram)}
<form method="post" action="/admin/draw/invite">${csrfField(request.session.csrfToken)}
<input type="hidden" name="seed" value="${escapeHtml(seed)}">
<label for="details">${escapeHtml(t('admin.invite.details'))}</label><p class="hint" id="details-hint">${escapeHtml(t('admin.invite.details_hint', { max: invitationDetailsMax }))}</p>
<textarea id="details" name="details" rows="4" required maxlength="${invitationDetailsMax}" aria-describedby="details-hint">${escapeHtml(details.fr)}</textarea>
<label for="details-en">${escapeHtml(t('admin.invite.details_en'))}</label>
<textarea id="details-en" name="details-en" rows="3" maxlength="${invitationDetailsMax}">${escapeHtml(details.en)}</textarea>
<label class="check"><input type="checkbox" name="confirm" value="yes" required> ${escapeHtml(t('admin.invite.confirm', { count: planned.report.outcomes.length - planned.report.alreadyInvited }))}</label>
<p><button type="submit">${escapeHtml(t('admin.invite.send'))}</button></p>
</form>`;
  showPage(request, t('admin.invite.title'), body, problem === undefined ? 200 : 400);
}

/** How the invitations go (or would go), route by route, and what is left to do by hand. */
function summary(request: PageRequest, report: InvitationReport, telegram: boolean): string {
  const { t, lang } = request;
  const counts = new Map<string, number>();
  for (const { route, status } of report.outcomes) {
    const key = `${route}:${status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, n]) => {
      const [route = '', status = ''] = key.split(':');
      return `<tr><td>${escapeHtml(t(`admin.route.${route}`))}</td><td>${escapeHtml(t(`admin.invitation.${status}`))}</td><td class="num">${formatNumber(n, lang)}</td></tr>`;
    })
    .join('');
  const byHand = report.outcomes.filter((o) => o.route === 'email' || o.route === 'sms').length;
  return `<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.invite.caption'))}</caption><thead><tr><th scope="col">${escapeHtml(t('admin.draw.route'))}</th><th scope="col">${escapeHtml(t('admin.invite.status'))}</th><th scope="col" class="num">${escapeHtml(t('admin.invite.count'))}</th></tr></thead><tbody>${rows}</tbody></table></div>
${telegram ? '' : `<p>${escapeHtml(t('admin.invite.no_telegram'))}</p>`}
${byHand > 0 ? `<p>${escapeHtml(t('admin.invite.by_hand', { count: byHand }))}</p>` : ''}`;
}
