import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Translate } from '../../dialogs/translate.js';
import {
  councilKey,
  outcomeSchema,
  type Outcome,
  type WaveDoc,
} from '../../storage/reminder-documents.js';
import { formatDeadline } from '../reminders/reminder-text.js';
import { scheduledSlots } from '../reminders/reminder-schedule.js';

export type OutcomeCounts = Record<Outcome, number>;

/** What the waves did for these councils (or, without councils, in all): what was really sent. */
export function outcomesOf(
  waves: readonly WaveDoc[],
  councilIds?: readonly string[],
): OutcomeCounts {
  const total: OutcomeCounts = { sent: 0, held: 0, skipped: 0, failed: 0, uncertain: 0 };
  const keys = councilIds?.map((id) => councilKey(id));
  for (const wave of waves)
    for (const [council, outcomes] of Object.entries(wave.counts)) {
      if (keys && !keys.includes(council)) continue;
      for (const outcome of outcomeSchema.options) total[outcome] += outcomes[outcome] ?? 0;
    }
  return total;
}

/** The line of a council in `/stats`. */
export function councilReminderLine(t: Translate, counts: OutcomeCounts): string {
  return t('reminder.stats.council', { ...counts, failed: counts.failed + counts.uncertain });
}

/** What a coordinator is told when their wave is done. */
export function waveDoneText(t: Translate, wave: WaveDoc): string {
  return t('reminder.coordinator.done', { ...outcomesOf([wave]) });
}

/** Running waves of this coordinator, and the next scheduled one: the end of `/stats`. */
export function reminderStatusLines(
  t: Translate,
  waves: readonly WaveDoc[],
  coordinatorId: string,
  consultation: Consultation,
  lang: 'fr' | 'en',
  now: Date,
): string[] {
  const lines: string[] = [];
  for (const wave of waves) {
    const mine = wave.origin.kind === 'coordinator' && wave.origin.coordinatorId === coordinatorId;
    if (!mine || (wave.state !== 'sending' && wave.state !== 'planning')) continue;
    const done = Object.values(outcomesOf([wave])).reduce((a, b) => a + b, 0);
    lines.push(t('reminder.stats.running', { done, planned: wave.planned }));
  }
  const next = scheduledSlots(consultation).find((s) => s.at.getTime() > now.getTime());
  if (next)
    lines.push(
      t('reminder.stats.next', {
        when: formatDeadline(next.at.toISOString(), consultation.timeZone, lang),
      }),
    );
  return lines;
}
