import { sendJson } from '../http/create-http-server.js';
import { openExport } from '../exports/open-export.js';
import { exportPseudonymSecret } from '../exports/participant-pseudonym.js';
import { parseExportRequest } from '../exports/parse-export-request.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { forbidden, type AdminHandler } from './admin-request.js';

/**
 * `GET /admin/api/exports/<kind>?format=…&council=…`: the same exports and parameters as
 * `concerto export` (flags become parameters: `wide=1`, `council=A,B`), streamed with a file
 * name; a coordinator gets only their councils' rows, `raw=1` is for admins. Audited.
 */
export function exportRoute(deps: AdminApiDeps): AdminHandler {
  return async ({ res, url, params, principal, scope: scopeOf }) => {
    const options = new Map<string, string[]>();
    for (const key of new Set(url.searchParams.keys()))
      options.set(key, url.searchParams.getAll(key));
    const parsed = parseExportRequest(params[0], options, deps.consultation);
    if (!parsed.ok) {
      sendJson(res, parsed.problems.some((p) => p.startsWith('unknown export')) ? 404 : 400, {
        error: 'bad request',
        problems: parsed.problems,
      });
      return;
    }
    const scope = await scopeOf();
    if (scope.kind === 'forbidden') return forbidden(res, scope.reason);
    const request = parsed.request;
    if (request.raw && principal.role !== 'admin')
      return forbidden(res, 'raw (unmasked) exports are for admins');
    const opened = await openExport(
      {
        db: deps.db,
        consultation: deps.consultation,
        catalog: deps.catalog,
        secret: await exportPseudonymSecret(deps.config, deps.db),
      },
      { ...request, filters: { ...request.filters, councilIds: scope.councilIds } },
      {
        kind: 'credential',
        credentialId: principal.credentialId,
        name: principal.name,
        role: principal.role,
      },
    );
    res.writeHead(200, {
      'content-type': opened.contentType,
      'content-disposition': `attachment; filename="${opened.fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    try {
      await opened.writeTo(res);
      res.end();
    } catch (error) {
      // Headers are gone: cut the connection so the download shows as broken, not complete.
      deps.log.warn({ err: error, export: opened.table.name }, 'export interrupted');
      res.destroy();
    }
  };
}
