import { exportRoute } from '../admin-api/export-route.js';
import { scopeOfUrl } from '../admin-api/scope-request.js';
import { exportFormats, exportKinds, exportStatuses } from '../exports/export-request.js';
import { parseExportRequest } from '../exports/parse-export-request.js';
import { escapeHtml } from '../synthesis/html-parts.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import { scopedCouncils } from './overview-page.js';
import type { PageHandler, PageRequest } from './page-request.js';
import { forbiddenPage, renderAdminPage, sendPage, showPage } from './render-admin-page.js';

/**
 * `GET /admin/exports`: a form for every export of `concerto export` (kind, format, filters);
 * it downloads through `/admin/exports/download`, which is the API's export route itself
 * (same parsing, scope, raw-for-admins rule, streaming and audit).
 */
export function exportsPage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t, principal } = request;
    const scope = await request.scope();
    if (scope.kind === 'forbidden') return forbiddenPage(request, scope.reason);
    const councils =
      principal.role === 'coordinator' ? await scopedCouncils(deps, principal.councilIds) : [];
    const preset = new Set(request.url.searchParams.getAll('council').map((c) => c.toUpperCase()));
    const radio = (
      name: string,
      values: readonly string[],
      label: (v: string) => string,
      checked: string,
    ) =>
      values
        .map(
          (v) =>
            `<label class="check"><input type="radio" name="${name}" value="${v}"${v === checked ? ' checked' : ''}> ${escapeHtml(label(v))}</label>`,
        )
        .join('');
    const boxes = (
      name: string,
      values: readonly { value: string; label: string }[],
      checked = new Set<string>(),
    ) =>
      values
        .map(
          (v) =>
            `<label class="check"><input type="checkbox" name="${name}" value="${escapeHtml(v.value)}"${checked.has(v.value) ? ' checked' : ''}> ${escapeHtml(v.label)}</label>`,
        )
        .join('');
    const councilField =
      principal.role === 'coordinator'
        ? `<fieldset><legend>${escapeHtml(t('admin.exports.councils'))}</legend><p class="hint">${escapeHtml(t('admin.exports.councils_mine'))}</p>${boxes(
            'council',
            councils.map((c) => ({ value: c.id, label: `${c.name} (${c.commune})` })),
            preset,
          )}</fieldset>`
        : `<div class="fields"><div><label for="council">${escapeHtml(t('admin.exports.council_codes'))}</label><p class="hint" id="council-hint">${escapeHtml(t('admin.exports.council_codes_hint'))}</p><input id="council" name="council" value="${escapeHtml([...preset].join(','))}" aria-describedby="council-hint"></div>
<div><label for="department">${escapeHtml(t('admin.exports.departments'))}</label><p class="hint" id="department-hint">${escapeHtml(t('admin.exports.departments_hint'))}</p><input id="department" name="department" aria-describedby="department-hint"></div></div>`;
    const themes = [
      { value: 'profile', label: t('admin.exports.profile') },
      ...deps.consultation.themes.map((th) => ({
        value: th.id,
        label: deps.catalog[request.lang][th.title] ?? th.id,
      })),
    ];
    const body = `<p>${escapeHtml(t('admin.exports.intro'))}</p>
<form method="get" action="/admin/exports/download">
<fieldset><legend>${escapeHtml(t('admin.exports.kind'))}</legend>${radio('kind', exportKinds, (k) => t(`admin.exports.kind.${k}`), 'answers')}</fieldset>
<fieldset><legend>${escapeHtml(t('admin.exports.format'))}</legend>${radio('format', exportFormats, (f) => t(`admin.exports.format.${f}`), 'csv')}
<label class="check"><input type="checkbox" name="excel" value="1"> ${escapeHtml(t('admin.exports.excel'))}</label>
<label class="check"><input type="checkbox" name="wide" value="1"> ${escapeHtml(t('admin.exports.wide'))}</label></fieldset>
${councilField}
<fieldset><legend>${escapeHtml(t('admin.exports.themes'))}</legend>${boxes('theme', themes)}</fieldset>
<fieldset><legend>${escapeHtml(t('admin.exports.statuses'))}</legend>${boxes(
      'status',
      exportStatuses.map((s) => ({ value: s, label: t(`admin.status.${s}`) })),
    )}</fieldset>
<div class="fields">
<div><label for="since">${escapeHtml(t('admin.exports.since'))}</label><input id="since" name="since" type="date"></div>
<div><label for="until">${escapeHtml(t('admin.exports.until'))}</label><input id="until" name="until" type="date"></div>
<div><label for="labels">${escapeHtml(t('admin.exports.labels'))}</label><select id="labels" name="labels"><option value="fr">Français</option><option value="en" lang="en">English</option></select></div>
</div>
<fieldset><legend>${escapeHtml(t('admin.exports.langs'))}</legend>${boxes('lang', [
      { value: 'fr', label: t('admin.lang.fr') },
      { value: 'en', label: t('admin.lang.en') },
    ])}</fieldset>
<fieldset><legend>${escapeHtml(t('admin.exports.channels'))}</legend>${boxes(
      'channel',
      ['telegram', 'web', 'console'].map((c) => ({ value: c, label: t(`admin.channel.${c}`) })),
    )}</fieldset>
${principal.role === 'admin' ? `<label class="check"><input type="checkbox" name="raw" value="1"> ${escapeHtml(t('admin.exports.raw'))}</label>` : ''}
<p class="hint">${escapeHtml(t('admin.exports.audited'))}</p>
<p><button type="submit">${escapeHtml(t('admin.exports.download'))}</button></p>
</form>`;
    showPage(request, t('admin.exports.title'), body);
  };
}

/**
 * `GET /admin/exports/download?kind=…&…` and `GET /admin/exports/<kind>?…`: the download.
 * Empty form fields are dropped; a bad request gets a page naming each problem.
 */
export function exportDownload(deps: AdminPageDeps): PageHandler {
  const send = exportRoute(deps);
  return async (request) => {
    const kind =
      request.params[0] === 'download'
        ? (request.url.searchParams.get('kind') ?? undefined)
        : request.params[0];
    const url = new URL(request.url.pathname, 'http://localhost');
    for (const [key, value] of request.url.searchParams)
      if (key !== 'kind' && value.trim() !== '') url.searchParams.append(key, value);
    const options = new Map<string, string[]>();
    for (const key of new Set(url.searchParams.keys()))
      options.set(key, url.searchParams.getAll(key));
    const parsed = parseExportRequest(kind, options, deps.consultation);
    if (!parsed.ok) return problemsPage(request, parsed.problems);
    await send({
      req: request.req,
      res: request.res,
      url,
      params: [kind ?? ''],
      principal: request.principal,
      scope: () => scopeOfUrl(deps.db, request.principal, url),
    });
  };
}

function problemsPage(request: PageRequest, problems: string[]): void {
  const { t } = request;
  sendPage(
    request.res,
    400,
    renderAdminPage(request.frame, {
      title: t('admin.exports.problems'),
      body: `<ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul><p><a href="/admin/exports">${escapeHtml(t('admin.exports.back'))}</a></p>`,
    }),
  );
}
