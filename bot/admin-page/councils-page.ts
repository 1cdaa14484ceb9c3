import QRCode from 'qrcode';
import { councilFigures } from '../../storage/coordinator-repository.js';
import { findCouncil, setCouncilMembers, type Council } from '../../storage/council-repository.js';
import { isDerivedInvitationCode } from '../../storage/invitation-code.js';
import { recordAudit } from '../../storage/audit-log.js';
import { exportPseudonymSecret, participantPseudonym } from '../exports/participant-pseudonym.js';
import { escapeHtml, formatNumber } from '../synthesis/html-parts.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import { percentText, scopedCouncils } from './overview-page.js';
import { actorOf, type PageHandler, type PageRequest } from './page-request.js';
import {
  csrfField,
  forbiddenPage,
  formatDateTime,
  notice,
  redirect,
  renderAdminPage,
  sendPage,
  showPage,
} from './render-admin-page.js';
import { scopeRequest } from '../admin-api/scope-request.js';
import { barChart } from './svg-charts.js';

/**
 * `GET /admin/councils[?q=…]`: the councils in scope (an admin's search is a resident's
 * search: names, communes, postcodes, départements, typos forgiven), each with its figures.
 */
export function councilsPage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t, lang } = request;
    const scope = await request.scope();
    if (scope.kind === 'forbidden') return forbiddenPage(request, scope.reason);
    const query = (request.url.searchParams.get('q') ?? '').trim().slice(0, 100);
    let councils = await scopedCouncils(deps, scope.councilIds);
    if (query !== '') {
      const byId = new Map(councils.map((c) => [c.id, c]));
      const upper = query.toUpperCase();
      const exact = byId.get(upper);
      const found = deps.councils
        .search(query, 50)
        .councils.flatMap((ref) => byId.get(ref.id) ?? []);
      councils = exact ? [exact, ...found.filter((c) => c.id !== upper)] : found;
    } else if (councils.length > 100) councils = [];
    const figures = new Map(
      (
        await councilFigures(
          deps.storage.participants,
          councils.map((c) => c.id),
        )
      ).map((f) => [f.councilId, f]),
    );
    const n = (v: number) => formatNumber(v, lang);
    const rows = councils
      .map((c) => {
        const f = figures.get(c.id);
        return `<tr><th scope="row"><a href="/admin/councils/${c.id}">${escapeHtml(c.name)}</a></th><td>${escapeHtml(c.commune)} (${escapeHtml(c.department)})</td><td><code>${c.id}</code></td><td class="num">${n(f?.invited ?? 0)}</td><td class="num">${n(f?.finished ?? 0)}</td><td class="num">${c.members === undefined ? '—' : n(c.members)}</td><td class="num">${percentText(f?.finished ?? 0, c.members, lang)}</td></tr>`;
      })
      .join('');
    const table =
      councils.length === 0
        ? `<p>${escapeHtml(query === '' ? t('admin.councils.search_first') : t('admin.councils.none_found'))}</p>`
        : `<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.councils.caption', { count: councils.length }))}</caption><thead><tr><th scope="col">${escapeHtml(t('admin.council'))}</th><th scope="col">${escapeHtml(t('admin.councils.commune'))}</th><th scope="col">${escapeHtml(t('admin.councils.code'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.joined'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.finished'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.members'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.completion'))}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
    const body = `<form method="get" action="/admin/councils" role="search">
<label for="q">${escapeHtml(t('admin.councils.search'))}</label>
<p class="hint" id="q-hint">${escapeHtml(t('admin.councils.search_hint'))}</p>
<input id="q" name="q" type="search" value="${escapeHtml(query)}" aria-describedby="q-hint"> <button type="submit">${escapeHtml(t('admin.councils.search_button'))}</button>
</form>
${table}`;
    showPage(request, t('admin.councils.title'), body);
  };
}

/**
 * `GET /admin/councils/<id>`: one council — invitation links and printable QR codes, figures,
 * the members count (set by an admin), who cannot be reached (pseudonymised).
 */
export function councilPage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t, lang } = request;
    const council = await councilInScope(deps, request);
    if (council === undefined) return;
    const [figures] = await councilFigures(deps.storage.participants, [council.id]);
    const n = (v: number) => formatNumber(v, lang);
    const code = mainCode(council);
    const links = code === undefined ? undefined : invitationLinks(deps, code);
    const qr = (kind: 'telegram' | 'web', label: string, link: string | undefined) =>
      link === undefined
        ? `<figure><figcaption>${escapeHtml(label)}</figcaption><p>${escapeHtml(t('admin.council.no_bot_username'))}</p></figure>`
        : `<figure><figcaption>${escapeHtml(label)}</figcaption><img src="/admin/councils/${council.id}/qr-${kind}.svg" alt="${escapeHtml(t('admin.council.qr_alt', { link }))}" width="192" height="192"><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p><a href="/admin/councils/${council.id}/qr-${kind}.svg" download>${escapeHtml(t('admin.council.download_svg'))}</a> · <a href="/admin/councils/${council.id}/qr-${kind}.png" download>${escapeHtml(t('admin.council.download_png'))}</a></p></figure>`;
    const invitation =
      links === undefined
        ? `<p>${escapeHtml(t('admin.council.no_code'))}</p>`
        : `<p>${escapeHtml(t('admin.council.code_is'))} <code>${code}</code>${council.invitationCodes.length > 1 ? ` <span class="hint">${escapeHtml(t('admin.council.other_codes', { codes: council.invitationCodes.filter((c) => c !== code).join(', ') }))}</span>` : ''}</p>
<div class="qr">${qr('web', t('admin.council.web_link'), links.web)}${qr('telegram', t('admin.council.telegram_link'), links.telegram)}</div>`;
    const themes = deps.consultation.themes.map((th) => ({
      label: deps.catalog[lang][th.title] ?? th.id,
      value: figures?.themesCompleted[th.id] ?? 0,
      of: figures?.invited ?? 0,
    }));
    const unreachable = await unreachableOf(deps, council.id);
    const unreachableList =
      unreachable.length === 0
        ? `<p>${escapeHtml(t('admin.council.nobody_unreachable'))}</p>`
        : `<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.council.unreachable_caption', { count: unreachable.length }))}</caption><thead><tr><th scope="col">${escapeHtml(t('admin.pseudonym'))}</th><th scope="col">${escapeHtml(t('admin.overview.channel'))}</th><th scope="col">${escapeHtml(t('admin.council.status'))}</th><th scope="col">${escapeHtml(t('admin.council.last_activity'))}</th></tr></thead><tbody>${unreachable
            .map(
              (u) =>
                `<tr><td><code>${u.pseudonym}</code></td><td>${escapeHtml(t(`admin.channel.${u.channel}`))}</td><td>${escapeHtml(t(`admin.status.${u.status}`))}</td><td>${escapeHtml(formatDateTime(u.lastActivityAt, lang))}</td></tr>`,
            )
            .join('')}</tbody></table></div>`;
    const saved = request.url.searchParams.get('saved');
    const membersForm =
      request.principal.role === 'admin'
        ? `<form method="post" action="/admin/councils/${council.id}/members">${csrfField(request.session.csrfToken)}
<label for="members">${escapeHtml(t('admin.council.members_label'))}</label>
<p class="hint" id="members-hint">${escapeHtml(t('admin.council.members_hint'))}</p>
<input id="members" name="members" inputmode="numeric" pattern="[0-9]*" size="6" value="${council.members ?? ''}" aria-describedby="members-hint"> <button type="submit">${escapeHtml(t('admin.save'))}</button>
</form>`
        : '';
    const body = `${saved === '1' ? notice(t('admin.council.members_saved')) : ''}${saved === 'bad' ? notice(t('admin.council.members_bad'), 'error') : ''}
<p>${escapeHtml(`${council.commune} (${council.departmentName}, ${council.department}) · ${council.id}`)}</p>
<h2>${escapeHtml(t('admin.council.figures'))}</h2>
<ul class="cards">
<li><span class="value">${n(figures?.invited ?? 0)}</span>${escapeHtml(t('admin.figures.joined'))}</li>
<li><span class="value">${n(figures?.started ?? 0)}</span>${escapeHtml(t('admin.council.in_progress'))}</li>
<li><span class="value">${n(figures?.finished ?? 0)}</span>${escapeHtml(t('admin.figures.finished'))}</li>
<li><span class="value">${council.members === undefined ? '—' : n(council.members)}</span>${escapeHtml(t('admin.figures.members'))}</li>
<li><span class="value">${percentText(figures?.finished ?? 0, council.members, lang)}</span>${escapeHtml(t('admin.figures.completion'))}</li>
</ul>
${membersForm}
${barChart({ caption: t('admin.council.themes_caption'), lang, labelHeader: t('admin.overview.theme'), valueHeader: t('admin.overview.completed_theme'), percentHeader: t('admin.overview.of_joined') }, themes)}
<h2>${escapeHtml(t('admin.council.invitation'))}</h2>
${invitation}
<h2>${escapeHtml(t('admin.council.unreachable'))}</h2>
<p class="hint">${escapeHtml(t('admin.council.unreachable_hint'))}</p>
${unreachableList}
<p><a href="/admin?council=${council.id}">${escapeHtml(t('admin.council.overview_link'))}</a> · <a href="/admin/exports?council=${council.id}">${escapeHtml(t('admin.council.exports_link'))}</a></p>`;
    showPage(request, council.name, body);
  };
}

/** `GET /admin/councils/<id>/qr-(telegram|web).(svg|png)`: the invitation link as a QR code. */
export function councilQrCode(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const council = await councilInScope(deps, request);
    if (council === undefined) return;
    const [, kind, format] = request.params;
    const code = mainCode(council);
    const link =
      code === undefined
        ? undefined
        : invitationLinks(deps, code)[kind === 'telegram' ? 'telegram' : 'web'];
    if (link === undefined) {
      request.res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      request.res.end(request.t('admin.council.no_bot_username'));
      return;
    }
    const name = `qr-${council.id}-${kind}.${format}`;
    const headers = {
      'cache-control': 'private, max-age=3600',
      'x-content-type-options': 'nosniff',
      'content-disposition': `inline; filename="${name}"`,
    };
    // Error correction M and a quiet zone of 4 modules: readable once printed on a poster.
    if (format === 'png') {
      const png = await QRCode.toBuffer(link, {
        type: 'png',
        errorCorrectionLevel: 'M',
        margin: 4,
        width: 768,
      });
      request.res.writeHead(200, { 'content-type': 'image/png', ...headers });
      request.res.end(png);
      return;
    }
    const svg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
    request.res.writeHead(200, { 'content-type': 'image/svg+xml', ...headers });
    request.res.end(svg);
  };
}

/** `POST /admin/councils/<id>/members` (admins): how many members the council has; empty forgets it. */
export function setMembers(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const council = await councilInScope(deps, request);
    if (council === undefined) return;
    const text = (request.form.get('members') ?? '').trim();
    const members = text === '' ? null : /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
    if (members !== null && (!Number.isInteger(members) || members < 1)) {
      redirect(request.res, `/admin/councils/${council.id}?saved=bad`);
      return;
    }
    await setCouncilMembers(deps.db, council.id, members);
    await recordAudit(deps.db, {
      actor: actorOf(request.principal),
      action: 'council_members_set',
      details: { council: council.id, members: members ?? 'unknown' },
      outcome: 'done',
    });
    redirect(request.res, `/admin/councils/${council.id}?saved=1`);
  };
}

/** The council of the path, once the principal may see it; undefined after a 403 or 404 page. */
async function councilInScope(
  deps: AdminPageDeps,
  request: PageRequest,
): Promise<Council | undefined> {
  const id = (request.params[0] ?? '').toUpperCase();
  // No département is named, so the check needs no département of any council.
  const scope = scopeRequest(request.principal, { councilIds: [id] }, () => undefined);
  if (scope.kind === 'forbidden') {
    forbiddenPage(request, scope.reason);
    return undefined;
  }
  const council = await findCouncil(deps.db, id);
  if (council === null) {
    sendPage(
      request.res,
      404,
      renderAdminPage(request.frame, {
        title: request.t('admin.not_found.title'),
        body: `<p>${escapeHtml(request.t('admin.not_found.council', { id }))}</p>`,
      }),
    );
    return undefined;
  }
  return council;
}

/** The derived (stable) code first: the one printed on posters. */
function mainCode(council: Council): string | undefined {
  return (
    council.invitationCodes.find((code) => isDerivedInvitationCode(council.id, code)) ??
    council.invitationCodes[0]
  );
}

function invitationLinks(deps: AdminPageDeps, code: string): { web: string; telegram?: string } {
  const base = deps.config.PUBLIC_URL.replace(/\/+$/, '');
  const bot = deps.config.TELEGRAM_BOT_USERNAME;
  return {
    web: `${base}/c/${code}`,
    ...(bot === undefined ? {} : { telegram: `https://t.me/${bot}?start=${code}` }),
  };
}

/** Participants of a council whose channel refuses delivery, by pseudonym (as in exports). */
async function unreachableOf(deps: AdminPageDeps, councilId: string) {
  const secret = await exportPseudonymSecret(deps.config, deps.db);
  const list = [];
  for await (const p of deps.storage.participants.list({
    consultationId: deps.consultation.id,
    councilIds: [councilId],
  }))
    if (p.unreachable && p.status !== 'consent_pending')
      list.push({
        pseudonym: participantPseudonym(p.participantId, secret),
        channel: p.identities[0]?.channel ?? 'web',
        status: p.status,
        lastActivityAt: p.lastActivityAt,
      });
  return list.sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime());
}
