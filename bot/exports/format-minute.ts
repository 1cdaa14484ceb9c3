/**
 * A time to the minute in a time zone, with its offset, as exports show it:
 * `2017-11-29T18:42+01:00` (Europe/Paris in winter), `2017-06-01T09:05+02:00` in summer.
 * Offsets are looked up once per hour of UTC time and time zone: a million rows cost a few
 * thousand `Intl` calls, not a million.
 *
 * @example formatMinute(new Date('2017-11-29T17:42:31Z')) // '2017-11-29T18:42+01:00'
 */
export function formatMinute(date: Date, timeZone = 'Europe/Paris'): string {
  const ms = date.getTime();
  const offset = offsetMinutes(Math.floor(ms / hour), timeZone);
  const local = new Date(ms + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local.toISOString().slice(0, 16)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const hour = 3_600_000;

/** Offsets change on the hour (or the half hour, in a few places: those hours are split). */
const offsets = new Map<string, number>();

function offsetMinutes(utcHour: number, timeZone: string): number {
  const key = `${timeZone}|${utcHour}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  if (offsets.size > 100_000) offsets.clear();
  const offset = zoneOffset(new Date(utcHour * hour), timeZone);
  // Zones whose offset changes at :30 are not cached for that hour.
  if (zoneOffset(new Date(utcHour * hour + hour - 60_000), timeZone) === offset)
    offsets.set(key, offset);
  return offset;
}

function zoneOffset(at: Date, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour') % 24,
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let known = formatters.get(timeZone);
  if (!known) {
    known = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, known);
  }
  return known;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
