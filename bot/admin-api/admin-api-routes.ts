import { sendJson, type Route } from '../http/create-http-server.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { auditRoute } from './audit-route.js';
import { createAuthenticator, type AuthenticatorOptions } from './authenticate-request.js';
import { councilsRoute, figuresRoute } from './council-routes.js';
import { exportRoute } from './export-route.js';
import type { AdminHandler } from './admin-request.js';
import { scopeOfUrl } from './scope-request.js';

/**
 * `/admin/api/…`: every route needs a bearer credential (401 without a valid one, 429 after
 * too many failures from one address) and checks role and council scope (403). Routes:
 * `GET /admin/api/me`, `/exports/<kind>`, `/councils`, `/figures`, `/audit` (admins).
 * Plain `Route`s, registered by `concerto serve` beside the channels' routes.
 *
 * @example const routes = [...healthRoutes(db, metrics), ...adminApiRoutes(runtime)]
 */
export function adminApiRoutes(
  deps: AdminApiDeps,
  limits: Pick<AuthenticatorOptions, 'maxFailures' | 'windowMs'> = {},
): Route[] {
  const authenticate = createAuthenticator({
    db: deps.db,
    adminToken: deps.config.ADMIN_TOKEN,
    trustProxy: deps.config.TRUST_PROXY,
    ...limits,
  });
  const guarded =
    (handler: AdminHandler): Route['handle'] =>
    async (req, res, params) => {
      const result = await authenticate(req);
      if (result.kind === 'too_many') {
        sendJson(
          res,
          429,
          { error: 'too many failed attempts; try again later' },
          {
            'retry-after': String(result.retryAfter),
          },
        );
        return;
      }
      if (result.kind === 'unauthorized') {
        sendJson(
          res,
          401,
          { error: 'a valid credential is needed (Authorization: Bearer …)' },
          {
            'www-authenticate': 'Bearer realm="concerto-admin"',
          },
        );
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const { principal } = result;
      await handler({
        req,
        res,
        url,
        params,
        principal,
        scope: () => scopeOfUrl(deps.db, principal, url),
      });
    };
  const get = (path: string | RegExp, handler: AdminHandler): Route => ({
    method: 'GET',
    path,
    handle: guarded(handler),
  });
  return [
    get('/admin/api/me', async ({ res, principal }) => {
      sendJson(res, 200, {
        credential: principal.credentialId,
        name: principal.name,
        role: principal.role,
        councils: principal.councilIds,
      });
    }),
    get(/^\/admin\/api\/exports\/([a-z-]+)$/, exportRoute(deps)),
    get('/admin/api/councils', councilsRoute(deps)),
    get('/admin/api/figures', figuresRoute(deps)),
    get('/admin/api/audit', auditRoute(deps)),
  ];
}
