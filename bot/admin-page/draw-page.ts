import { recordAudit } from '../../storage/audit-log.js';
import { exportPseudonymSecret } from '../exports/participant-pseudonym.js';
import { escapeHtml, formatNumber } from '../synthesis/html-parts.js';
import { drawCsv } from '../workshop/draw-csv.js';
import {
  balanceCriteria,
  drawWorkshop,
  UnknownCriterionError,
  type WorkshopDraw,
} from '../workshop/draw-workshop.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import { drawHistory } from './draw-history.js';
import { actorOf, type PageHandler, type PageRequest } from './page-request.js';
import { csrfField, notice, renderAdminPage, sendPage, showPage } from './render-admin-page.js';

interface DrawAsked {
  seats: number;
  seed: string;
  balance: string[];
  includeUnreachable: boolean;
  replace: boolean;
}

/** `GET /admin/draw` (admins): the form of the workshop draw. */
export function drawPage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    showPage(
      request,
      request.t('admin.draw.title'),
      drawForm(deps, request, undefined) + (await drawHistory(deps, request)),
    );
  };
}

/**
 * `POST /admin/draw` (admins): runs the reproducible draw (bot/workshop/draw-workshop.ts),
 * records it, shows the list (contacts masked) and links its CSV.
 */
export function runDraw(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t } = request;
    const asked = drawAskedOf(request.form);
    if (typeof asked === 'string') {
      showPage(
        request,
        t('admin.draw.title'),
        notice(t(asked), 'error') + drawForm(deps, request, undefined),
        400,
      );
      return;
    }
    const outcome = await draw(deps, request, asked);
    if (outcome === undefined) return;
    const { lang } = request;
    const n = (v: number) => formatNumber(v, lang);
    const { result } = outcome;
    const drawn = outcome.rows.filter((r) => r.drawn).length;
    const csvQuery = new URLSearchParams({
      seed: asked.seed,
      seats: String(asked.seats),
      balance: asked.balance.join(','),
    });
    if (asked.includeUnreachable) csvQuery.set('include-unreachable', '1');
    const totals = Object.entries(result.totals)
      .map(
        ([criterion, list]) =>
          `<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.draw.totals_caption', { criterion }))}</caption><thead><tr><th scope="col">${escapeHtml(criterion)}</th><th scope="col" class="num">${escapeHtml(t('admin.draw.volunteers'))}</th><th scope="col" class="num">${escapeHtml(t('admin.draw.quota'))}</th><th scope="col" class="num">${escapeHtml(t('admin.draw.drawn'))}</th></tr></thead><tbody>${list
            .map(
              (x) =>
                `<tr><th scope="row">${escapeHtml(x.value ?? '—')}</th><td class="num">${n(x.volunteers)}</td><td class="num">${n(Math.round(x.quota * 100) / 100)}</td><td class="num">${n(x.drawn)}</td></tr>`,
            )
            .join('')}</tbody></table></div>`,
      )
      .join('');
    const profileColumns = [...new Set(outcome.rows.flatMap((r) => Object.keys(r.profile)))].sort();
    const rows = outcome.rows
      .map(
        (r) =>
          `<tr><td><code>${r.key}</code></td><td>${escapeHtml(r.drawn ? t('admin.draw.is_drawn') : t('admin.draw.reserve'))}</td><td class="num">${r.stratum + 1}</td><td class="num">${r.rank}</td><td>${escapeHtml(r.councilId ?? '—')}</td>${profileColumns.map((c) => `<td>${escapeHtml(r.profile[c] ?? '—')}</td>`).join('')}<td>${escapeHtml(t(`admin.route.${r.route}`))}</td><td>${escapeHtml(r.contact ?? '—')}</td></tr>`,
      )
      .join('');
    const body = `${notice(t(`admin.draw.saved.${outcome.saved}`, { drawn, volunteers: result.volunteers, seed: asked.seed }))}
${outcome.skipped.map((s) => notice(t('admin.draw.not_asked', { criterion: s.criterion }), 'error')).join('')}
${outcome.unreachableLeftOut > 0 ? `<p>${escapeHtml(t('admin.draw.left_out', { count: outcome.unreachableLeftOut }))}</p>` : ''}
<p><a class="button" href="/admin/draw/list.csv?${escapeHtml(csvQuery.toString())}" download>${escapeHtml(t('admin.draw.download'))}</a></p>
<p class="hint">${escapeHtml(t('admin.draw.algorithm', { algorithm: result.algorithm }))}</p>
<h2>${escapeHtml(t('admin.draw.balance_title'))}</h2>
${totals || `<p>${escapeHtml(t('admin.draw.no_balance'))}</p>`}
<h2>${escapeHtml(t('admin.draw.list_title'))}</h2>
<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.draw.list_caption', { count: outcome.rows.length }))}</caption><thead><tr><th scope="col">${escapeHtml(t('admin.pseudonym'))}</th><th scope="col">${escapeHtml(t('admin.draw.result'))}</th><th scope="col" class="num">${escapeHtml(t('admin.draw.stratum'))}</th><th scope="col" class="num">${escapeHtml(t('admin.draw.rank'))}</th><th scope="col">${escapeHtml(t('admin.council'))}</th>${profileColumns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}<th scope="col">${escapeHtml(t('admin.draw.route'))}</th><th scope="col">${escapeHtml(t('admin.draw.contact'))}</th></tr></thead><tbody>${rows}</tbody></table></div>
<p><a class="button" href="/admin/draw/invite?${escapeHtml(new URLSearchParams({ seed: asked.seed }).toString())}">${escapeHtml(t('admin.draw.invite_link'))}</a></p>
<h2>${escapeHtml(t('admin.draw.again'))}</h2>
${drawForm(deps, request, asked)}
${await drawHistory(deps, request)}`;
    showPage(request, t('admin.draw.title'), body);
  };
}

/**
 * `GET /admin/draw/list.csv?seed=…&seats=…&balance=…` (admins): the list of a draw as CSV,
 * drawn again from the same seed (the same volunteers give the same list; if they changed
 * since, the recorded draw stands and this is refused).
 */
export function drawDownload(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const asked = drawAskedOf(request.url.searchParams);
    if (typeof asked === 'string') {
      showPage(request, request.t('admin.draw.title'), notice(request.t(asked), 'error'), 400);
      return;
    }
    const outcome = await draw(deps, request, { ...asked, replace: false });
    if (outcome === undefined) return;
    request.res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="concerto-workshop-draw.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    request.res.end(drawCsv(outcome.rows, null));
  };
}

async function draw(
  deps: AdminPageDeps,
  request: PageRequest,
  asked: DrawAsked,
): Promise<WorkshopDraw | undefined> {
  const { t, principal } = request;
  let outcome: WorkshopDraw;
  try {
    outcome = await drawWorkshop(deps, {
      ...asked,
      secret: await exportPseudonymSecret(deps.config, deps.db),
      by: principal.name,
    });
  } catch (error) {
    if (!(error instanceof UnknownCriterionError)) throw error;
    showPage(request, t('admin.draw.title'), notice(error.message, 'error'), 400);
    return undefined;
  }
  await recordAudit(deps.db, {
    actor: actorOf(principal),
    action: 'workshop_draw',
    details: { seed: asked.seed, seats: asked.seats, balance: asked.balance, saved: outcome.saved },
    outcome: 'done',
  });
  if (outcome.saved === 'different') {
    sendPage(
      request.res,
      409,
      renderAdminPage(request.frame, {
        title: t('admin.draw.title'),
        body:
          notice(t('admin.draw.saved.different', { seed: asked.seed }), 'error') +
          drawForm(deps, request, asked),
      }),
    );
    return undefined;
  }
  return outcome;
}

/** The draw asked for by a form or a query; a locale key naming the problem otherwise. */
function drawAskedOf(fields: URLSearchParams): DrawAsked | string {
  const seatsText = (fields.get('seats') ?? '').trim();
  const seats = /^\d{1,5}$/.test(seatsText) ? Number(seatsText) : Number.NaN;
  if (!Number.isInteger(seats) || seats < 1) return 'admin.draw.bad_seats';
  const seed = (fields.get('seed') ?? '').trim();
  if (seed === '' || seed.length > 200) return 'admin.draw.bad_seed';
  const balance = fields
    .getAll('balance')
    .flatMap((b) => b.split(','))
    .map((b) => b.trim())
    .filter((b) => b !== '');
  return {
    seats,
    seed,
    balance,
    includeUnreachable: fields.get('include-unreachable') === '1',
    replace: fields.get('replace') === '1',
  };
}

function drawForm(deps: AdminPageDeps, request: PageRequest, asked: DrawAsked | undefined): string {
  const { t } = request;
  const criteria = balanceCriteria(deps.consultation);
  return `<p>${escapeHtml(t('admin.draw.intro'))}</p>
<form method="post" action="/admin/draw">${csrfField(request.session.csrfToken)}
<div class="fields">
<div><label for="seats">${escapeHtml(t('admin.draw.seats'))}</label><input id="seats" name="seats" inputmode="numeric" pattern="[0-9]*" required size="6" value="${asked?.seats ?? ''}"></div>
<div><label for="seed">${escapeHtml(t('admin.draw.seed'))}</label><p class="hint" id="seed-hint">${escapeHtml(t('admin.draw.seed_hint'))}</p><input id="seed" name="seed" required value="${escapeHtml(asked?.seed ?? '')}" aria-describedby="seed-hint"></div>
</div>
<fieldset><legend>${escapeHtml(t('admin.draw.balance'))}</legend>${criteria
    .map(
      (c) =>
        `<label class="check"><input type="checkbox" name="balance" value="${c}"${asked?.balance.includes(c) ? ' checked' : ''}> ${escapeHtml(t(`admin.draw.criterion.${c}`))}</label>`,
    )
    .join('')}<p class="hint">${escapeHtml(t('admin.draw.gender_note'))}</p></fieldset>
<label class="check"><input type="checkbox" name="include-unreachable" value="1"${asked?.includeUnreachable ? ' checked' : ''}> ${escapeHtml(t('admin.draw.include_unreachable'))}</label>
<label class="check"><input type="checkbox" name="replace" value="1"> ${escapeHtml(t('admin.draw.replace'))}</label>
<p><button type="submit">${escapeHtml(t('admin.draw.run'))}</button></p>
</form>`;
}
