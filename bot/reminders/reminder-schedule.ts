import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import { firstSendableAt } from './reminder-policy.js';
import { localTime, parseClockTime, shiftDays, zonedInstant } from './zoned-time.js';

/** One scheduled reminder of a consultation, as it will be sent. */
export interface ScheduledSlot {
  /** Stable across processes and restarts: the `_id` of its wave. */
  waveId: string;
  /** Its place in the consultation's `reminders.schedule`. */
  index: number;
  daysBefore: number;
  /** When it goes (after the quiet hours if its time fell in them). */
  at: Date;
  /** Past this (the next slot, or the deadline) it is no longer sent. */
  until: Date;
}

/**
 * The scheduled reminders of a consultation, in time order: none without a `closesAt`, and
 * none at or after it.
 *
 * @example scheduledSlots(consultation)[0]?.at // 2017-11-28T10:00 Paris for a 5 December close
 */
export function scheduledSlots(consultation: Consultation): ScheduledSlot[] {
  if (!consultation.closesAt) return [];
  const closesAt = new Date(consultation.closesAt);
  const closingDay = localTime(closesAt, consultation.timeZone);
  const slots = consultation.reminders.schedule
    .map((slot, index) => {
      const [hour, minute] = parseClockTime(slot.at);
      const local = shiftDays(closingDay, -slot.daysBefore, hour, minute);
      const at = firstSendableAt(zonedInstant(local, consultation.timeZone), consultation);
      return { index, daysBefore: slot.daysBefore, at };
    })
    .filter((slot) => slot.at.getTime() < closesAt.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return slots.map((slot, i) => ({
    ...slot,
    waveId: `schedule:${consultation.id}:${slot.at.toISOString()}`,
    until: slots[i + 1]?.at ?? closesAt,
  }));
}

/** The slot whose time has come and whose successor has not: the one to send now, if any. */
export function dueSlot(consultation: Consultation, now: Date): ScheduledSlot | undefined {
  const t = now.getTime();
  return scheduledSlots(consultation).find((s) => s.at.getTime() <= t && t < s.until.getTime());
}
