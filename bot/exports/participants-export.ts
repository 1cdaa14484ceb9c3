import type { ExportContext } from './export-context.js';
import type { ExportRequest } from './export-request.js';
import type { Cell, ExportTable } from './export-table.js';
import { formatMinute } from './format-minute.js';
import { selectParticipants } from './select-participants.js';

export const participantsColumns = [
  'participant',
  'council',
  'council_name',
  'department',
  'role',
  'language',
  'channels',
  'status',
  'answered',
  'themes_completed',
  'themes_left',
  'consented_at',
  'consent_version',
  'reminders_received',
  'reminders_off',
  'unreachable',
  'started_at',
  'last_activity_at',
  'completed_at',
] as const;

/**
 * `participants`: one row each, pseudonymised; never a channel id (a Telegram id) or a name.
 * With a date range: those who took part during it.
 */
export async function participantsExport(
  context: ExportContext,
  request: ExportRequest,
): Promise<ExportTable> {
  const { participants } = await selectParticipants(
    context.source,
    context.consultation.id,
    context.secret,
    request.filters,
    { dateRange: 'activity' },
  );
  const zone = context.consultation.timeZone;
  const minute = (date: Date | undefined) => (date ? formatMinute(date, zone) : undefined);
  async function* rows(): AsyncGenerator<readonly Cell[]> {
    for (const participant of participants) {
      const p = participant.summary;
      yield [
        participant.pseudonym,
        p.councilId,
        participant.council?.name,
        participant.council?.department,
        p.role,
        p.lang,
        participant.channels,
        p.status,
        p.progress.answered,
        p.progress.themesCompleted.join(' '),
        p.progress.themesLeft,
        minute(p.consent?.at),
        p.consent?.textVersion,
        p.reminders.received,
        p.remindersOff ? 'yes' : 'no',
        p.unreachable ? 'yes' : 'no',
        minute(p.createdAt),
        minute(p.lastActivityAt),
        minute(p.completedAt),
      ];
    }
  }
  return {
    name: 'participants',
    columns: participantsColumns,
    rows: rows(),
    expectedRows: participants.length,
  };
}
