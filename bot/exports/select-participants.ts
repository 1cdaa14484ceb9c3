import type { ExportCouncil, ExportSource } from '../../storage/export-source.js';
import type { ParticipantSummary } from '../../storage/storage.js';
import { exportStatuses, type ExportFilters } from './export-request.js';
import { participantPseudonym } from './participant-pseudonym.js';

/** A participant as every export shows them: pseudonymised, with their council. */
export interface ExportParticipant {
  participantId: string;
  pseudonym: string;
  summary: ParticipantSummary;
  council?: ExportCouncil | undefined;
  /** The channels they used, e.g. `telegram` or `telegram web`. */
  channels: string;
}

export interface ParticipantSelection {
  /** In a stable order: by council, then pseudonym. */
  participants: ExportParticipant[];
  councils: ReadonlyMap<string, ExportCouncil>;
}

/**
 * The participants an export covers: those who consented (someone who never did left nothing
 * to export), of the consultation, narrowed by the filters. Erased participants have no
 * document left, so they and everything they said are in no export. Small enough to hold:
 * one summary per participant (tens of thousands).
 */
export async function selectParticipants(
  source: ExportSource,
  consultationId: string,
  secret: string,
  filters: ExportFilters,
  options: { dateRange: 'activity' | 'none' },
): Promise<ParticipantSelection> {
  const councilList = await source.councils();
  const councils = new Map(councilList.map((c) => [c.councilId, c]));
  const councilIds = councilsOf(filters, councilList);
  const selected: ExportParticipant[] = [];
  for await (const summary of source.participants({
    consultationId,
    statuses: filters.statuses ?? exportStatuses,
    ...(councilIds ? { councilIds } : {}),
  })) {
    if (filters.langs && !filters.langs.includes(summary.lang)) continue;
    const channels = [...new Set(summary.identities.map((i) => i.channel))];
    if (filters.channels && !channels.some((c) => filters.channels?.includes(c))) continue;
    if (options.dateRange === 'activity' && !activeWithin(summary, filters)) continue;
    selected.push({
      participantId: summary.participantId,
      pseudonym: participantPseudonym(summary.participantId, secret),
      summary,
      council: summary.councilId === undefined ? undefined : councils.get(summary.councilId),
      channels: channels.sort().join(' '),
    });
  }
  selected.sort(
    (a, b) =>
      compare(a.summary.councilId ?? '', b.summary.councilId ?? '') ||
      compare(a.pseudonym, b.pseudonym),
  );
  return { participants: selected, councils };
}

/** The council filter: named councils, those of the named départements, or both at once. */
function councilsOf(
  filters: ExportFilters,
  councils: readonly ExportCouncil[],
): string[] | undefined {
  const { councilIds, departments } = filters;
  if (!departments) return councilIds;
  const inDepartments = councils
    .filter((c) => departments.includes(c.department))
    .map((c) => c.councilId);
  return councilIds ? inDepartments.filter((id) => councilIds.includes(id)) : inDepartments;
}

/** Took part during the range: started before its end, last seen after its start. */
function activeWithin(p: ParticipantSummary, filters: ExportFilters): boolean {
  if (filters.since && p.lastActivityAt < filters.since) return false;
  if (filters.until && p.createdAt >= filters.until) return false;
  return true;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
