import { sendJson } from '../http/create-http-server.js';
import { readAuditTrail } from '../admin/read-audit-trail.js';
import { parseExportRequest } from '../exports/parse-export-request.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { forbidden, type AdminHandler } from './admin-request.js';

/** `GET /admin/api/audit[?since=DATE]`: the audit trail, oldest first; admins only. */
export function auditRoute(deps: AdminApiDeps): AdminHandler {
  return async ({ res, url, principal }) => {
    if (principal.role !== 'admin') {
      forbidden(res, 'the audit trail is for admins');
      return;
    }
    const sinceText = url.searchParams.get('since') ?? undefined;
    let since: Date | undefined;
    if (sinceText !== undefined) {
      const parsed = parseExportRequest(
        'codebook',
        new Map([['since', [sinceText]]]),
        deps.consultation,
      );
      if (!parsed.ok) {
        sendJson(res, 400, { error: 'bad request', problems: parsed.problems });
        return;
      }
      since = parsed.request.filters.since;
    }
    const entries = await readAuditTrail(deps.db, { since });
    sendJson(res, 200, { entries });
  };
}
