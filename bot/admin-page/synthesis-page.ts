import { recordAudit } from '../../storage/audit-log.js';
import { buildSynthesis, synthesisJson } from '../synthesis/build-synthesis.js';
import { escapeHtml } from '../synthesis/html-parts.js';
import { renderSynthesisHtml } from '../synthesis/render-synthesis-html.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import { scopedCouncils } from './overview-page.js';
import { actorOf, type PageHandler } from './page-request.js';
import { forbiddenPage, pageHeaders, showPage } from './render-admin-page.js';

/**
 * `GET /admin/synthesis`: the workshop synthesis for the request's scope (a coordinator's
 * councils, an admin's choice), opened as the report page or downloaded as JSON.
 */
export function synthesisPage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t, principal } = request;
    const scope = await request.scope();
    if (scope.kind === 'forbidden') return forbiddenPage(request, scope.reason);
    const councils =
      principal.role === 'coordinator' ? await scopedCouncils(deps, principal.councilIds) : [];
    const councilField =
      principal.role === 'coordinator'
        ? `<fieldset><legend>${escapeHtml(t('admin.exports.councils'))}</legend><p class="hint">${escapeHtml(t('admin.exports.councils_mine'))}</p>${councils
            .map(
              (c) =>
                `<label class="check"><input type="checkbox" name="council" value="${c.id}"> ${escapeHtml(`${c.name} (${c.commune})`)}</label>`,
            )
            .join('')}</fieldset>`
        : `<label for="council">${escapeHtml(t('admin.exports.council_codes'))}</label><p class="hint" id="council-hint">${escapeHtml(t('admin.synthesis.council_hint'))}</p><input id="council" name="council" aria-describedby="council-hint">`;
    const form = (
      format: 'html' | 'json',
      button: string,
    ) => `<form method="get" action="/admin/synthesis/report.${format}">
${councilField.replaceAll('id="council', `id="${format}-council`).replaceAll('for="council', `for="${format}-council`).replaceAll('"council-hint"', `"${format}-council-hint"`)}
<label for="${format}-lang">${escapeHtml(t('admin.synthesis.lang'))}</label>
<select id="${format}-lang" name="lang"><option value="fr">Français</option><option value="en" lang="en">English</option></select>
<p><button type="submit">${escapeHtml(button)}</button></p>
</form>`;
    const body = `<p>${escapeHtml(t('admin.synthesis.intro'))}</p>
<h2>${escapeHtml(t('admin.synthesis.open_title'))}</h2>
${form('html', t('admin.synthesis.open'))}
<h2>${escapeHtml(t('admin.synthesis.json_title'))}</h2>
${form('json', t('admin.synthesis.download_json'))}`;
    showPage(request, t('admin.synthesis.title'), body);
  };
}

/** `GET /admin/synthesis/report.(html|json)[?council=…&lang=…]`: the report itself, for the scope. */
export function synthesisReport(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const scope = await request.scope();
    if (scope.kind === 'forbidden') return forbiddenPage(request, scope.reason);
    const lang = request.url.searchParams.get('lang') === 'en' ? 'en' : 'fr';
    const report = await buildSynthesis(deps, { councilIds: scope.councilIds, lang });
    const { principal } = request;
    await recordAudit(deps.db, {
      actor: actorOf(principal),
      action: 'synthesis',
      details: {
        format: request.params[0] ?? 'html',
        ...(scope.councilIds ? { councils: scope.councilIds } : {}),
      },
      outcome: 'done',
    });
    if (request.params[0] === 'json') {
      request.res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="concerto-synthesis-${new Date().toISOString().slice(0, 10)}.json"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      request.res.end(synthesisJson(report));
      return;
    }
    request.res.writeHead(200, pageHeaders);
    request.res.end(renderSynthesisHtml(report, { lang }));
  };
}
