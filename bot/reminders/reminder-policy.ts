import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { ParticipantSummary } from '../../storage/storage.js';
import { localTime, parseClockTime, shiftDays, zonedInstant } from './zoned-time.js';

/** Why a reminder was not sent to someone: recorded on their delivery, counted in the figures. */
export const skipReasons = [
  /** Erased their data (or never existed any more). */
  'deleted',
  'completed',
  'not_consented',
  /** « Ne plus me rappeler » / « stop ». */
  'opted_out',
  /** The channel refused delivery before (Telegram: they blocked the bot). */
  'unreachable',
  /** They already got `maxPerParticipant` reminders in this consultation. */
  'cap_reached',
  /** Their last reminder is less than `minHoursBetween` old. */
  'too_soon',
  'deadline_passed',
  'not_open',
  /** Now in a council the wave does not target (a coordinator's wave stays in their councils). */
  'other_council',
] as const;
export type SkipReason = (typeof skipReasons)[number];

/** Who a wave is for: `councilIds` absent means every council (the schedule, an admin). */
export type Verdict = { ok: true } | { ok: false; reason: SkipReason };

export interface WaveTarget {
  consultationId: string;
  councilIds?: readonly string[] | undefined;
}

/**
 * Whether this participant may get a reminder of this wave now, or why not. Quiet hours are
 * not a reason to skip (the wave waits for the morning): see `quietUntil`.
 *
 * @example reminderVerdict(p, { consultationId: 'cc2017' }, consultation, now) // { ok: true }
 */
export function reminderVerdict(
  participant: ParticipantSummary | null,
  target: WaveTarget,
  consultation: Consultation,
  now: Date,
): Verdict {
  const skip = (reason: SkipReason): Verdict => ({ ok: false, reason });
  const { maxPerParticipant, minHoursBetween } = consultation.reminders;
  const open = openVerdict(consultation, now);
  if (!open.ok) return open;
  if (participant === null || participant.consultationId !== target.consultationId)
    return skip('deleted');
  if (participant.status === 'completed') return skip('completed');
  if (participant.status === 'consent_pending') return skip('not_consented');
  if (
    target.councilIds !== undefined &&
    (participant.councilId === undefined || !target.councilIds.includes(participant.councilId))
  )
    return skip('other_council');
  if (participant.remindersOff) return skip('opted_out');
  if (participant.unreachable) return skip('unreachable');
  if (participant.reminders.received >= maxPerParticipant) return skip('cap_reached');
  const last = participant.reminders.lastAt;
  if (last !== undefined && now.getTime() - last.getTime() < minHoursBetween * 3_600_000)
    return skip('too_soon');
  return { ok: true };
}

/** Whether the consultation takes reminders at all now: not before it opens, nor once closed. */
export function openVerdict(consultation: Consultation, now: Date): Verdict {
  if (consultation.closesAt && now.getTime() >= Date.parse(consultation.closesAt))
    return { ok: false, reason: 'deadline_passed' };
  if (consultation.opensAt && now.getTime() < Date.parse(consultation.opensAt))
    return { ok: false, reason: 'not_open' };
  return { ok: true };
}

/**
 * The end of the quiet hours when `now` falls in them (the next morning at `to`), else
 * undefined: sending may go on.
 *
 * @example quietUntil(new Date('2017-11-28T21:00:00+01:00'), consultation) // 2017-11-29T09:00 Paris
 */
export function quietUntil(now: Date, consultation: Consultation): Date | undefined {
  const { from, to } = consultation.reminders.quietHours;
  const local = localTime(now, consultation.timeZone);
  const minutes = local.hour * 60 + local.minute;
  const [fromH, fromM] = parseClockTime(from);
  const [toH, toM] = parseClockTime(to);
  const start = fromH * 60 + fromM;
  const end = toH * 60 + toM;
  if (start === end) return undefined;
  const quiet = start > end ? minutes >= start || minutes < end : minutes >= start && minutes < end;
  if (!quiet) return undefined;
  // Before midnight, the morning is tomorrow's; after it (or in a same-day range), today's.
  const days = start > end && minutes >= start ? 1 : 0;
  return zonedInstant(shiftDays(local, days, toH, toM), consultation.timeZone);
}

/** `now`, or the end of the quiet hours when `now` falls in them. */
export function firstSendableAt(now: Date, consultation: Consultation): Date {
  return quietUntil(now, consultation) ?? now;
}
