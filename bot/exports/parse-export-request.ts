import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Lang } from '../../dialogs/session-state.js';
import type { ParticipantStatus } from '../../storage/documents.js';
import type { Channel } from '../../storage/identity.js';
import {
  exportFormats,
  exportKinds,
  exportStatuses,
  type ExportFilters,
  type ExportRequest,
} from './export-request.js';

/** Option names shared by `concerto export` flags and `/admin/api/exports` query parameters. */
export const exportOptionNames = [
  'format',
  'excel',
  'wide',
  'raw',
  'labels',
  'council',
  'department',
  'theme',
  'status',
  'completed',
  'since',
  'until',
  'lang',
  'channel',
] as const;

export type ExportOptions = ReadonlyMap<string, readonly string[]>;

export type ParsedExportRequest =
  { ok: true; request: ExportRequest } | { ok: false; problems: string[] };

/**
 * An export request from option values (flags or query parameters, each possibly repeated or
 * comma-separated); every problem is named, one line each.
 *
 * @example parseExportRequest('answers', new Map([['council', ['QN05981M']], ['format', ['xlsx']]]), consultation)
 */
export function parseExportRequest(
  kindText: string | undefined,
  options: ExportOptions,
  consultation: Consultation,
): ParsedExportRequest {
  const problems: string[] = [];
  const kind = oneOf(kindText, exportKinds);
  if (kind === undefined)
    problems.push(
      kindText === undefined
        ? `say what to export: ${exportKinds.join(', ')}`
        : `unknown export "${kindText}": use ${exportKinds.join(', ')}`,
    );
  for (const name of options.keys())
    if (!exportOptionNames.some((known) => known === name))
      problems.push(`unknown option "${name}"`);
  const list = (name: string) =>
    (options.get(name) ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  const single = (name: string): string | undefined => {
    const values = options.get(name) ?? [];
    if (values.length > 1) problems.push(`${name} is given ${values.length} times; give it once`);
    return values[0];
  };
  const flag = (name: string): boolean => {
    const value = single(name);
    if (value === undefined) return false;
    if (['', 'true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    problems.push(`${name} is a yes/no option, not "${value}"`);
    return false;
  };
  const choose = <T extends string>(name: string, allowed: readonly T[]): T[] | undefined => {
    const values = list(name);
    for (const v of values)
      if (oneOf(v, allowed) === undefined)
        problems.push(`${name} must be ${allowed.join(', ')}, not "${v}"`);
    const ok = values.flatMap((v) => oneOf(v, allowed) ?? []);
    return values.length > 0 ? ok : undefined;
  };

  const formatText = single('format');
  const format = formatText === undefined ? 'csv' : oneOf(formatText, exportFormats);
  if (format === undefined)
    problems.push(`format must be ${exportFormats.join(', ')}, not "${formatText}"`);
  const excel = flag('excel');
  if (excel && format !== undefined && format !== 'csv')
    problems.push(`excel is a kind of CSV: it does not go with format ${format}`);
  const wide = flag('wide');
  if (wide && kind !== undefined && kind !== 'answers') problems.push('wide is for answers only');
  const raw = flag('raw');
  const labelsText = single('labels');
  const labels: Lang | undefined = labelsText === undefined ? 'fr' : oneOf(labelsText, langs);
  if (labels === undefined) problems.push(`labels must be fr or en, not "${labelsText}"`);

  const themeIds = ['profile', ...consultation.themes.map((t) => t.id)];
  const themes = choose('theme', themeIds);
  if (themes && kind !== undefined && kind !== 'answers' && kind !== 'codebook')
    problems.push('theme is for answers and the codebook only');
  let statuses: ParticipantStatus[] | undefined = choose('status', exportStatuses);
  if (flag('completed')) {
    if (statuses && statuses.some((s) => s !== 'completed'))
      problems.push('completed and status say different things: give one');
    statuses = ['completed'];
  }
  const since = dateOf('since', single('since'), 'start', problems);
  const until = dateOf('until', single('until'), 'end', problems);
  if (since && until && since >= until) problems.push('since must be before until');
  const councilIds = list('council').map((c) => c.toUpperCase());
  for (const c of councilIds)
    if (!/^[A-Z0-9]{1,16}$/.test(c))
      problems.push(`council "${c}" is not a council code (e.g. QN05981M)`);
  const departments = list('department').map((d) => d.toUpperCase());
  for (const d of departments)
    if (!/^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8]|98[4-9])$/.test(d))
      problems.push(`department "${d}" is not a département code (e.g. 59, 2A, 974)`);
  const chosenLangs = choose('lang', langs);
  const chosenChannels = choose<Channel>('channel', channels);
  const filters: ExportFilters = {
    ...(councilIds.length > 0 ? { councilIds } : {}),
    ...(departments.length > 0 ? { departments } : {}),
    ...(themes ? { themes } : {}),
    ...(statuses ? { statuses } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(chosenLangs ? { langs: chosenLangs } : {}),
    ...(chosenChannels ? { channels: chosenChannels } : {}),
  };
  if (problems.length > 0 || kind === undefined || format === undefined || labels === undefined)
    return { ok: false, problems };
  return { ok: true, request: { kind, format, excel, wide, raw, labels, filters } };
}

const langs = ['fr', 'en'] as const satisfies readonly Lang[];
const channels = ['telegram', 'web', 'console'] as const satisfies readonly Channel[];

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

/**
 * An ISO instant, or a day (`2017-11-29`) taken in Paris: `since` from its start, `until` to
 * its end (so `--until 2017-12-05` includes the 5th).
 */
function dateOf(
  name: string,
  text: string | undefined,
  side: 'start' | 'end',
  problems: string[],
): Date | undefined {
  if (text === undefined) return undefined;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const start = parisMidnight(Number(day[1]), Number(day[2]), Number(day[3]));
    if (start === undefined) {
      problems.push(`${name} "${text}" is not a date`);
      return undefined;
    }
    return side === 'start' ? start : new Date(start.getTime() + 24 * 3_600_000);
  }
  const at = /^\d{4}-\d{2}-\d{2}T/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) {
    problems.push(
      `${name} must be a date (2017-11-29) or an ISO time (2017-11-29T18:00+01:00), not "${text}"`,
    );
    return undefined;
  }
  return at;
}

/** Midnight in Paris of a day (+01:00 in winter, +02:00 in summer). */
function parisMidnight(year: number, month: number, day: number): Date | undefined {
  const utc = Date.UTC(year, month - 1, day);
  const check = new Date(utc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  for (const offset of [1, 2]) {
    const candidate = new Date(utc - offset * 3_600_000);
    const hour = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(candidate);
    if (hour === '00') return candidate;
  }
  return new Date(utc);
}
