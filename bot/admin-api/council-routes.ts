import { councilFigures } from '../../storage/coordinator-repository.js';
import { findCouncils, listCouncils, type Council } from '../../storage/council-repository.js';
import { sendJson } from '../http/create-http-server.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { forbidden, listParam, type AdminHandler } from './admin-request.js';

/**
 * `GET /admin/api/councils[?council=…&department=…]`: the councils in scope, with their
 * invitation codes (an admin: all of them, or those named).
 */
export function councilsRoute(deps: AdminApiDeps): AdminHandler {
  return async (request) => {
    const councils = await scopedCouncils(deps, request);
    if (councils === undefined) return;
    sendJson(request.res, 200, {
      councils: councils.map((c) => ({
        id: c.id,
        name: c.name,
        commune: c.commune,
        department: c.department,
        departmentName: c.departmentName,
        invitationCodes: c.invitationCodes,
      })),
    });
  };
}

/**
 * `GET /admin/api/figures[?council=…&department=…]`: participation per council in scope —
 * everyone who consented, begun, finished, unreachable, and per theme how many completed it.
 */
export function figuresRoute(deps: AdminApiDeps): AdminHandler {
  return async (request) => {
    const councils = await scopedCouncils(deps, request);
    if (councils === undefined) return;
    const figures = await councilFigures(
      deps.storage.participants,
      councils.map((c) => c.id),
    );
    const byId = new Map(councils.map((c) => [c.id, c]));
    sendJson(request.res, 200, {
      figures: figures.map((f) => ({
        ...f,
        name: byId.get(f.councilId)?.name,
        commune: byId.get(f.councilId)?.commune,
        department: byId.get(f.councilId)?.department,
      })),
    });
  };
}

/** The councils of the request's scope, narrowed by its département filter; undefined after a 403. */
async function scopedCouncils(
  deps: AdminApiDeps,
  request: Parameters<AdminHandler>[0],
): Promise<Council[] | undefined> {
  const scope = await request.scope();
  if (scope.kind === 'forbidden') {
    forbidden(request.res, scope.reason);
    return undefined;
  }
  const departments = listParam(request.url, 'department').map((d) => d.toUpperCase());
  const councils =
    scope.councilIds === undefined
      ? await listCouncils(deps.db)
      : await findCouncils(deps.db, scope.councilIds);
  return departments.length > 0
    ? councils.filter((c) => departments.includes(c.department))
    : councils;
}
