import type { Db } from 'mongodb';
import { findCouncils } from '../../storage/council-repository.js';
import type { Principal } from '../../storage/credentials.js';
import { listParam } from './admin-request.js';

/** The councils a request may see, once its principal's scope is applied. */
export type Scope =
  /** `councilIds` undefined: every council (an admin who named none). */
  { kind: 'ok'; councilIds?: string[] | undefined } | { kind: 'forbidden'; reason: string };

/**
 * Applies a principal's scope to the councils and départements a request names. An admin
 * gets what they ask for. A coordinator gets their own councils, or those of them they name;
 * naming any other council, or a département where they have none, is forbidden (403), not
 * silently narrowed, so a mistake shows.
 *
 * @example scopeRequest(nadia, { councilIds: ['QN05983M'] }, departmentOf) // { kind: 'forbidden', … }
 */
export function scopeRequest(
  principal: Principal,
  requested: {
    councilIds?: readonly string[] | undefined;
    departments?: readonly string[] | undefined;
  },
  departmentOf: (councilId: string) => string | undefined,
): Scope {
  if (principal.role === 'admin')
    return {
      kind: 'ok',
      ...(requested.councilIds ? { councilIds: [...requested.councilIds] } : {}),
    };
  const own = principal.councilIds;
  const outside = (requested.councilIds ?? []).filter((id) => !own.includes(id));
  if (outside.length > 0)
    return { kind: 'forbidden', reason: `not a council of this credential: ${outside.join(', ')}` };
  const departments = requested.departments ?? [];
  const empty = departments.filter((d) => !own.some((id) => departmentOf(id) === d));
  if (empty.length > 0)
    return {
      kind: 'forbidden',
      reason: `no council of this credential in département ${empty.join(', ')}`,
    };
  return { kind: 'ok', councilIds: requested.councilIds ? [...requested.councilIds] : [...own] };
}

/**
 * The scope of a request from its `council` and `department` query parameters: what every
 * admin route, API or page, checks before it reads a row.
 */
export async function scopeOfUrl(db: Db, principal: Principal, url: URL): Promise<Scope> {
  const councilIds = listParam(url, 'council').map((c) => c.toUpperCase());
  const departments = listParam(url, 'department').map((d) => d.toUpperCase());
  const own = principal.role === 'coordinator' ? await findCouncils(db, principal.councilIds) : [];
  const departmentOf = new Map(own.map((c) => [c.id, c.department]));
  return scopeRequest(
    principal,
    {
      ...(councilIds.length > 0 ? { councilIds } : {}),
      ...(departments.length > 0 ? { departments } : {}),
    },
    (id) => departmentOf.get(id),
  );
}
