import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import { outcomeSchema, type WaveDoc } from '../../storage/reminder-documents.js';
import type { WavePreview } from './plan-wave.js';
import { scheduledSlots } from './reminder-schedule.js';
import { formatDeadline } from './reminder-text.js';

/** Dates as an operator reads them: in the consultation's time zone, in English. */
export function operatorDate(at: Date, consultation: Consultation): string {
  return `${formatDeadline(at.toISOString(), consultation.timeZone, 'en')} (${consultation.timeZone})`;
}

/** `concerto remind plan`: per council and status, the skips and why, samples, the schedule. */
export function planReport(
  preview: WavePreview,
  consultation: Consultation,
  waves: readonly WaveDoc[],
  now: Date,
): string[] {
  const lines = [
    consultation.closesAt
      ? `consultation ${consultation.id}, closes ${operatorDate(new Date(consultation.closesAt), consultation)}`
      : `consultation ${consultation.id}, no closing date (CONSULTATION_CLOSES_AT): no scheduled reminders`,
    `a reminder sent now would reach ${preview.queued} participant(s) and skip ${preview.skipped}`,
    preview.later
      ? `it would wait for the end of the quiet hours: ${operatorDate(preview.at, consultation)}`
      : 'it would go at once',
    '',
    'council     not_started  in_progress  skipped',
  ];
  const councils = [...preview.byCouncil.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [council, counts] of councils) {
    const skipped = [...counts.entries()]
      .filter(([key]) => key !== 'not_started' && key !== 'in_progress')
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    lines.push(
      `${(council || '(none)').padEnd(12)}${String(counts.get('not_started') ?? 0).padStart(11)}  ${String(counts.get('in_progress') ?? 0).padStart(11)}  ${skipped || '-'}`,
    );
  }
  if (councils.length === 0) lines.push('(nobody)');
  for (const sample of preview.samples) lines.push('', `sample (${sample.lang}):`, sample.text);
  lines.push('', 'scheduled reminders:');
  const slots = scheduledSlots(consultation);
  if (slots.length === 0) lines.push('  none');
  for (const slot of slots) {
    const wave = waves.find((w) => w._id === slot.waveId);
    const state = wave
      ? wave.state
      : slot.until.getTime() <= now.getTime()
        ? 'missed (no server was running)'
        : slot.at.getTime() <= now.getTime()
          ? 'due'
          : 'to come';
    lines.push(`  ${operatorDate(slot.at, consultation)}: ${state}`);
  }
  return lines;
}

/** One wave in a line: id, who, state, and what it did. */
export function waveLine(wave: WaveDoc): string {
  const origin =
    wave.origin.kind === 'schedule'
      ? `scheduled (${wave.origin.daysBefore} day(s) before)`
      : wave.origin.kind === 'coordinator'
        ? `coordinator ${wave.origin.coordinatorId}`
        : 'admin';
  const councils = wave.councilIds ? wave.councilIds.join(',') : 'all councils';
  return `${wave._id}  ${origin}  ${councils}  ${wave.state}  ${totalsText(wave)}`;
}

/** `planned 3000: sent 2950, held 0, skipped 40, failed 9, uncertain 1`. */
export function totalsText(wave: WaveDoc): string {
  const totals = totalsOf(wave);
  const parts = outcomeSchema.options.map((outcome) => `${outcome} ${totals[outcome]}`);
  return `planned ${wave.planned}: ${parts.join(', ')}`;
}

/** `[##########..........]  50%  1500/3000`, for a terminal. */
export function progressBar(wave: WaveDoc, width = 30): string {
  const done = Object.values(totalsOf(wave)).reduce((a, b) => a + b, 0);
  const share = wave.planned === 0 ? 1 : done / wave.planned;
  const filled = Math.round(share * width);
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}  ${done}/${wave.planned}`;
}

function totalsOf(wave: WaveDoc): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(
    outcomeSchema.options.map((o) => [o, 0]),
  );
  for (const outcomes of Object.values(wave.counts))
    for (const outcome of outcomeSchema.options)
      totals[outcome] = (totals[outcome] ?? 0) + (outcomes[outcome] ?? 0);
  return totals;
}
