/** A wall-clock time in some time zone (month 1–12). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/**
 * The wall-clock time of an instant in a time zone (Node's ICU knows the zones and their
 * summer time).
 *
 * @example localTime(new Date('2017-12-05T22:59:59Z'), 'Europe/Paris') // { …, day: 5, hour: 23, minute: 59 }
 */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = formatter(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour') % 24,
    minute: part('minute'),
  };
}

/**
 * The instant a wall-clock time names in a time zone. A time skipped by the spring change
 * (02:30 on the last Sunday of March in Paris) gives the instant one hour later; a time seen
 * twice in autumn gives the first.
 */
export function zonedInstant(local: LocalTime, timeZone: string): Date {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // Two passes: the offset at the guess, then at the corrected instant (they differ near a change).
  let instant = asUtc - offsetMs(new Date(asUtc), timeZone);
  instant = asUtc - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

/** The calendar day `days` after (or before, if negative) a local day, at a given time. */
export function shiftDays(local: LocalTime, days: number, hour: number, minute: number): LocalTime {
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour,
    minute,
  };
}

/** `HH:MM` → [hours, minutes] (the consultation schema has checked the format). */
export function parseClockTime(text: string): [number, number] {
  const [hours = 0, minutes = 0] = text.split(':').map(Number);
  return [hours, minutes];
}

/** How far a zone's wall clock is ahead of UTC at an instant. */
function offsetMs(at: Date, timeZone: string): number {
  const local = localTime(at, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  return asUtc - Math.floor(at.getTime() / 60_000) * 60_000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}
