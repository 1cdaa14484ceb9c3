import { recordAudit } from '../../storage/audit-log.js';
import {
  drawIdOf,
  findDraw,
  invitationsOf,
  listDraws,
  type WorkshopDrawDoc,
} from '../../storage/workshop-draws.js';
import { exportPseudonymSecret } from '../exports/participant-pseudonym.js';
import { escapeHtml, formatNumber } from '../synthesis/html-parts.js';
import { csvLine } from '../workshop/csv-line.js';
import { fullContact, maskedContact } from '../workshop/draw-workshop.js';
import { listVolunteers, routeOf } from '../workshop/list-volunteers.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import { actorOf, type PageHandler, type PageRequest } from './page-request.js';
import { formatDateTime, notice, showPage } from './render-admin-page.js';

/**
 * The draws made before, latest first, for the draw page: when, seed, seats, criteria, who
 * ran it, how its invitations went, and links to its list (masked, or with the contacts in
 * full), and to send its invitations.
 */
export async function drawHistory(deps: AdminPageDeps, request: PageRequest): Promise<string> {
  const { t, lang } = request;
  const draws = await listDraws(deps.db, deps.consultation.id);
  if (draws.length === 0)
    return `<h2>${escapeHtml(t('admin.draw.history'))}</h2><p>${escapeHtml(t('admin.draw.history_none'))}</p>`;
  const rows: string[] = [];
  for (const draw of draws) {
    const invitations = await invitationsOf(deps.db, draw._id);
    const counts = new Map<string, number>();
    for (const doc of invitations.values())
      counts.set(doc.status, (counts.get(doc.status) ?? 0) + 1);
    const invited =
      counts.size === 0
        ? t('admin.draw.not_invited')
        : [...counts]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([status, n]) => `${t(`admin.invitation.${status}`)} ${formatNumber(n, lang)}`)
            .join(', ');
    const query = new URLSearchParams({ seed: draw.seed }).toString();
    const criteria = draw.balance.map((c) => t(`admin.draw.criterion.${c}`)).join(', ');
    rows.push(
      `<tr><td>${escapeHtml(formatDateTime(draw.at, lang))}</td><td><code>${escapeHtml(draw.seed)}</code></td><td class="num">${formatNumber(draw.seats, lang)}</td><td class="num">${formatNumber(draw.drawn.length, lang)} / ${formatNumber(draw.volunteers, lang)}</td><td>${escapeHtml(criteria || '—')}</td><td>${escapeHtml(draw.by ?? '—')}</td><td>${escapeHtml(invited)}</td><td><ul class="links"><li><a href="/admin/draw/recorded.csv?${escapeHtml(query)}" download>${escapeHtml(t('admin.draw.list_masked'))}</a></li><li><a href="/admin/draw/recorded.csv?${escapeHtml(query)}&amp;contacts=full" download>${escapeHtml(t('admin.draw.list_full'))}</a></li><li><a href="/admin/draw/invite?${escapeHtml(query)}">${escapeHtml(t('admin.draw.invite_link'))}</a></li></ul></td></tr>`,
    );
  }
  const head = [
    'admin.draw.when',
    'admin.draw.seed',
    'admin.draw.seats',
    'admin.draw.drawn_of',
    'admin.draw.criteria',
    'admin.draw.by',
    'admin.draw.invitations',
    'admin.draw.lists',
  ]
    .map((key) => `<th scope="col">${escapeHtml(t(key))}</th>`)
    .join('');
  return `<h2>${escapeHtml(t('admin.draw.history'))}</h2>
<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t(draws.length === 1 ? 'admin.draw.history_caption.one' : 'admin.draw.history_caption.other', { count: draws.length }))}</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<p class="hint">${escapeHtml(t('admin.draw.full_hint'))}</p>`;
}

/**
 * `GET /admin/draw/recorded.csv?seed=…[&contacts=full]` (admins): the list of a recorded draw
 * as it was drawn (whoever changed since), with the route and status of each invitation; the
 * contacts in full only when asked, and that download is audited.
 */
export function recordedDrawDownload(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t } = request;
    const seed = (request.url.searchParams.get('seed') ?? '').trim();
    const full = request.url.searchParams.get('contacts') === 'full';
    const draw = seed === '' ? null : await findDraw(deps.db, deps.consultation.id, seed);
    if (draw === null) {
      showPage(request, t('admin.draw.title'), notice(t('admin.draw.no_such_draw'), 'error'), 404);
      return;
    }
    const csv = await recordedCsv(deps, draw, full);
    if (full)
      await recordAudit(deps.db, {
        actor: actorOf(request.principal),
        action: 'workshop_contacts',
        details: { seed, contacts: csv.contacts, raw: true },
        outcome: 'done',
      });
    request.res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="concerto-workshop-${full ? 'contacts' : 'draw'}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    request.res.end(csv.text);
  };
}

async function recordedCsv(
  deps: AdminPageDeps,
  draw: WorkshopDrawDoc,
  full: boolean,
): Promise<{ text: string; contacts: number }> {
  const secret = await exportPseudonymSecret(deps.config, deps.db);
  const volunteers = new Map(
    (await listVolunteers(deps, { secret })).map((v) => [v.participantId, v]),
  );
  const invitations = await invitationsOf(deps.db, drawIdOf(draw.consultationId, draw.seed));
  let contacts = 0;
  const header = [
    'pseudonym',
    'stratum',
    'rank_in_stratum',
    'council',
    'lang',
    'route',
    'invitation',
    'contact',
  ];
  const lines = draw.drawn.map((d) => {
    const v = volunteers.get(d.participantId);
    const contact = v === undefined ? null : full ? fullContact(v) : maskedContact(v);
    if (contact !== null) contacts += 1;
    return csvLine([
      d.key,
      d.stratum + 1,
      d.rank,
      v?.councilId ?? null,
      v?.lang ?? null,
      // Erased since the draw: nothing left to say about them.
      v === undefined ? 'erased' : routeOf(v),
      invitations.get(d.participantId)?.status ?? null,
      contact,
    ]);
  });
  return { text: `\uFEFF${csvLine(header)}${lines.join('')}`, contacts };
}
