import { findCouncils, listCouncils, type Council } from '../../storage/council-repository.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import { escapeHtml, formatNumber } from '../synthesis/html-parts.js';
import type { PageHandler, PageRequest } from './page-request.js';
import { overviewOf, type CouncilLine } from './participation-overview.js';
import { forbiddenPage, showPage } from './render-admin-page.js';
import { barChart, lineChart } from './svg-charts.js';

/**
 * `GET /admin[?council=…]`: participation at a glance for the request's scope — national for
 * an admin, their councils for a coordinator, or the councils named: totals, joined and
 * finished over time, completion against each council's members when known, the funnel by
 * theme and where people stop, by channel and language.
 */
export function overviewPage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t, lang } = request;
    const scope = await request.scope();
    if (scope.kind === 'forbidden') return forbiddenPage(request, scope.reason);
    const councils = await scopedCouncils(deps, scope.councilIds);
    const overview = await overviewOf(
      deps.storage.participants.list({
        consultationId: deps.consultation.id,
        ...(scope.councilIds === undefined ? {} : { councilIds: scope.councilIds }),
      }),
      deps.consultation,
    );
    const { totals } = overview;
    const n = (v: number) => formatNumber(v, lang);
    // Completion is measured only where the members are known: their finished over their members.
    const counted = councils.filter((c) => c.members !== undefined);
    const members = counted.reduce((sum, c) => sum + (c.members ?? 0), 0);
    const finishedOfCounted = counted.reduce(
      (sum, c) => sum + (overview.councils.get(c.id)?.finished ?? 0),
      0,
    );
    const cards = [
      [t('admin.figures.joined'), n(totals.joined)],
      [t('admin.figures.started'), n(totals.started)],
      [t('admin.figures.finished'), n(totals.finished)],
      [t('admin.figures.unreachable'), n(totals.unreachable)],
      ...(members > 0
        ? [
            [
              t('admin.figures.completion_known', { count: counted.length }),
              percentText(finishedOfCounted, members, lang),
            ],
          ]
        : []),
    ]
      .map(
        ([label, value]) =>
          `<li><span class="value">${escapeHtml(value ?? '')}</span>${escapeHtml(label ?? '')}</li>`,
      )
      .join('');
    const last = overview.days.at(-1);
    const timeline =
      overview.days.length === 0
        ? `<p>${escapeHtml(t('admin.overview.no_data'))}</p>`
        : lineChart(
            {
              caption: t('admin.overview.over_time'),
              lang,
              xLabel: t('admin.overview.day'),
              summary: t('admin.overview.over_time_summary', {
                day: last?.day ?? '',
                joined: n(last?.joined ?? 0),
                finished: n(last?.finished ?? 0),
              }),
            },
            overview.days.map((d) => d.day.slice(5).split('-').reverse().join('/')),
            [
              { label: t('admin.figures.joined'), values: overview.days.map((d) => d.joined) },
              { label: t('admin.figures.finished'), values: overview.days.map((d) => d.finished) },
            ],
          );
    const themeLabel = (id: string) => {
      const theme = deps.consultation.themes.find((th) => th.id === id);
      return theme ? (deps.catalog[lang][theme.title] ?? id) : t('admin.overview.not_started');
    };
    const funnel = barChart(
      {
        caption: t('admin.overview.funnel'),
        lang,
        labelHeader: t('admin.overview.theme'),
        valueHeader: t('admin.overview.completed_theme'),
        percentHeader: t('admin.overview.of_started'),
      },
      overview.themes.map((th) => ({
        label: themeLabel(th.themeId),
        value: th.completed,
        of: totals.started,
      })),
      { funnel: true },
    );
    const unfinished = totals.joined - totals.finished;
    const stops = barChart(
      {
        caption: t('admin.overview.stops'),
        lang,
        labelHeader: t('admin.overview.stopped_at'),
        valueHeader: t('admin.overview.people'),
        percentHeader: t('admin.overview.of_unfinished'),
      },
      overview.stops.map((s) => ({ label: themeLabel(s.at), value: s.count, of: unfinished })),
    );
    const split = (
      caption: string,
      header: string,
      map: Map<string, CouncilLine>,
      label: (k: string) => string,
    ) =>
      barChart(
        {
          caption,
          lang,
          labelHeader: header,
          valueHeader: t('admin.figures.joined'),
          percentHeader: t('admin.overview.share'),
        },
        [...map]
          .sort((a, b) => b[1].joined - a[1].joined)
          .map(([key, line]) => ({ label: label(key), value: line.joined, of: totals.joined })),
      );
    const body = `${scopeForm(request, councils, scope.councilIds)}
<h2>${escapeHtml(t('admin.overview.totals'))}</h2>
<ul class="cards">${cards}</ul>
<h2>${escapeHtml(t('admin.overview.over_time'))}</h2>
${timeline}
<h2>${escapeHtml(t('admin.overview.by_council'))}</h2>
${councilTable(request, councils, overview.councils)}
<h2>${escapeHtml(t('admin.overview.themes'))}</h2>
${funnel}
${stops}
<h2>${escapeHtml(t('admin.overview.channels_langs'))}</h2>
${split(t('admin.overview.by_channel'), t('admin.overview.channel'), overview.channels, (k) => t(`admin.channel.${k}`))}
${split(t('admin.overview.by_lang'), t('admin.overview.lang'), overview.langs, (k) => t(`admin.lang.${k}`))}`;
    showPage(request, t('admin.overview.title'), body);
  };
}

/** The councils of a scope: every council for an admin who named none. */
export async function scopedCouncils(
  deps: AdminPageDeps,
  councilIds: readonly string[] | undefined,
): Promise<Council[]> {
  return councilIds === undefined ? listCouncils(deps.db) : findCouncils(deps.db, councilIds);
}

/** « 42 % » of finished against members, or a dash when members are not known. */
export function percentText(value: number, of: number | undefined, lang: 'fr' | 'en'): string {
  if (of === undefined || of <= 0) return '—';
  const percent = formatNumber(Math.round((value / of) * 1000) / 10, lang);
  return lang === 'fr' ? `${percent}\u202f%` : `${percent}%`;
}

function scopeForm(
  request: PageRequest,
  councils: Council[],
  chosen: string[] | undefined,
): string {
  const { t, principal } = request;
  const current = request.url.searchParams.get('council') ?? '';
  const field =
    principal.role === 'coordinator'
      ? `<select id="scope-council" name="council"><option value="">${escapeHtml(t('admin.overview.all_mine'))}</option>${councils
          .filter((c) => principal.councilIds.includes(c.id))
          .map(
            (c) =>
              `<option value="${c.id}"${c.id === current.toUpperCase() ? ' selected' : ''}>${escapeHtml(`${c.name} (${c.commune})`)}</option>`,
          )
          .join('')}</select>`
      : `<input id="scope-council" name="council" value="${escapeHtml(current)}" size="12" aria-describedby="scope-hint">`;
  const scopeText =
    chosen === undefined
      ? t('admin.overview.scope_national')
      : t('admin.overview.scope_councils', { count: chosen.length });
  return `<form method="get" action="/admin" class="scope">
<p>${escapeHtml(scopeText)}</p>
<label for="scope-council">${escapeHtml(t('admin.overview.council_filter'))}</label>
${principal.role === 'coordinator' ? '' : `<p class="hint" id="scope-hint">${escapeHtml(t('admin.overview.council_hint'))}</p>`}
${field} <button type="submit" class="secondary">${escapeHtml(t('admin.show'))}</button>
</form>`;
}

function councilTable(
  request: PageRequest,
  councils: Council[],
  lines: Map<string, CouncilLine>,
): string {
  const { t, lang } = request;
  const n = (v: number) => formatNumber(v, lang);
  const shown = councils
    .filter((c) => lines.has(c.id) || c.members !== undefined || councils.length <= 50)
    .sort((a, b) => (lines.get(b.id)?.joined ?? 0) - (lines.get(a.id)?.joined ?? 0));
  if (shown.length === 0) return `<p>${escapeHtml(t('admin.overview.no_data'))}</p>`;
  const rows = shown
    .map((c) => {
      const line = lines.get(c.id) ?? { joined: 0, started: 0, finished: 0, unreachable: 0 };
      return `<tr><th scope="row"><a href="/admin/councils/${c.id}">${escapeHtml(c.name)}</a> <span class="hint">${escapeHtml(`${c.commune} · ${c.id}`)}</span></th><td class="num">${n(line.joined)}</td><td class="num">${n(line.started)}</td><td class="num">${n(line.finished)}</td><td class="num">${c.members === undefined ? '—' : n(c.members)}</td><td class="num">${percentText(line.finished, c.members, lang)}</td></tr>`;
    })
    .join('');
  return `<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.overview.by_council_caption', { count: shown.length }))}</caption><thead><tr><th scope="col">${escapeHtml(t('admin.council'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.joined'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.started'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.finished'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.members'))}</th><th scope="col" class="num">${escapeHtml(t('admin.figures.completion'))}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
