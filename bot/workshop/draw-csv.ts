import { csvLine } from './csv-line.js';
import type { DrawRow } from './draw-workshop.js';

/**
 * The draw as the CSV list for invitations (`workshop draw`, the admin page): every volunteer
 * in lottery order, drawn then reserves, contacts masked unless `full` gives them.
 */
export function drawCsv(
  rows: readonly DrawRow[],
  full: ReadonlyMap<string, string> | null,
): string {
  const profileColumns = [...new Set(rows.flatMap((row) => Object.keys(row.profile)))].sort();
  const header = [
    'pseudonym',
    'drawn',
    'stratum',
    'rank_in_stratum',
    'council',
    ...profileColumns,
    'lang',
    'route',
    'contact',
  ];
  const lines = rows.map((row) =>
    csvLine([
      row.key,
      row.drawn ? 'yes' : 'reserve',
      row.stratum + 1,
      row.rank,
      row.councilId,
      ...profileColumns.map((c) => row.profile[c] ?? null),
      row.lang,
      row.route,
      full?.get(row.participantId) ?? row.contact,
    ]),
  );
  return `\uFEFF${csvLine(header)}${lines.join('')}`;
}
