/**
 * DateTime support for CDate, Now, DateAdd, DateDiff, DateFromNum and NumFromDate.
 *
 * DateTimes are UTC instants (JS Date). Their string form is Microsoft's documented "M/d/yyyy h:mm:ss tt"
 * (invariant culture, UTC). DateAdd/DateDiff follow Microsoft.VisualBasic.DateAndTime, which the documented
 * examples match (e.g. DateDiff("ww", …) counts Sunday-to-Sunday weeks: -493 in Microsoft's table).
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatUsDateTime(d: Date): string {
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

export const daysInMonth = (year: number, month1: number) => new Date(Date.UTC(year, month1, 0)).getUTCDate();

/** Build a UTC instant from wall-clock fields and an offset (minutes east of UTC); null if a field is out of range. */
export function fromFields(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0, offsetMinutes = 0): Date | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return new Date(d.getTime() - offsetMinutes * 60_000);
}

function parseOffset(z: string | undefined): number | null {
  if (!z || z.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 14 || Number(m[3]) > 59) return null;
  return m[1] === '-' ? -minutes : minutes;
}

const fractionToMs = (f: string | undefined) => (f ? Math.floor(Number('0.' + f) * 1000) : 0);

/**
 * Parse the date strings Microsoft's examples use: ISO 8601 with or without time and offset ("2020-03-16-07:00",
 * "2009-06-15T01:45:30-07:00", "2021-08-24", "2020-12-31 23:59:59-08:00"), the US form the functions print
 * ("8/25/2021 5:41:18 PM") and AD generalized time ("20150123105347.1Z"). No offset means UTC.
 */
export function parseDateTime(input: string): Date | null {
  const s = input.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (m) {
    const off = parseOffset(m[8]);
    if (off === null) return null;
    return fromFields(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), fractionToMs(m[7]), off);
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*(AM|PM)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (m) {
    let hour = +(m[4] ?? 0);
    if (m[8]) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (m[8].toUpperCase() === 'PM' ? 12 : 0);
    }
    const off = parseOffset(m[9]);
    if (off === null) return null;
    return fromFields(+m[3], +m[1], +m[2], hour, +(m[5] ?? 0), +(m[6] ?? 0), fractionToMs(m[7]), off);
  }
  m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,7}))?(Z|[+-]\d{4})$/i.exec(s);
  if (m) {
    const off = parseOffset(m[8]);
    if (off === null) return null;
    return fromFields(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], fractionToMs(m[7]), off);
  }
  return null;
}

/** 100-ns ticks between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** AD "Integer8" date (FILETIME, as in lastLogonTimestamp/accountExpires) → DateTime. */
export function fileTimeToDate(ft: bigint): Date {
  const ms = (ft - FILETIME_UNIX_EPOCH) / 10000n;
  return new Date(Number(ms));
}

export function dateToFileTime(d: Date): bigint {
  return BigInt(d.getTime()) * 10000n + FILETIME_UNIX_EPOCH;
}

export type Interval = 'yyyy' | 'q' | 'm' | 'y' | 'd' | 'w' | 'ww' | 'h' | 'n' | 's';
export const INTERVALS: readonly Interval[] = ['yyyy', 'q', 'm', 'y', 'd', 'w', 'ww', 'h', 'n', 's'];

export function parseInterval(s: string): Interval | null {
  const k = s.trim().toLowerCase();
  return (INTERVALS as readonly string[]).includes(k) ? (k as Interval) : null;
}

function addMonths(d: Date, months: number): Date {
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month0 = total - year * 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month0 + 1));
  const out = new Date(d.getTime());
  out.setUTCFullYear(year, month0, day);
  return out;
}

/** DateAdd: months and years clamp to the last day of the month (Jan 31 + 1 month = Feb 28/29), as .NET does. */
export function dateAdd(interval: Interval, n: number, d: Date): Date {
  switch (interval) {
    case 'yyyy':
      return addMonths(d, n * 12);
    case 'q':
      return addMonths(d, n * 3);
    case 'm':
      return addMonths(d, n);
    case 'y':
    case 'd':
    case 'w':
      return new Date(d.getTime() + n * 86_400_000);
    case 'ww':
      return new Date(d.getTime() + n * 7 * 86_400_000);
    case 'h':
      return new Date(d.getTime() + n * 3_600_000);
    case 'n':
      return new Date(d.getTime() + n * 60_000);
    case 's':
      return new Date(d.getTime() + n * 1000);
  }
}

const trunc = (x: number) => (x < 0 ? Math.ceil(x) : Math.floor(x)) + 0;
const startOfDay = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

/** DateDiff(interval, d1, d2): positive when d2 is later. */
export function dateDiff(interval: Interval, d1: Date, d2: Date): number {
  const ms = d2.getTime() - d1.getTime();
  switch (interval) {
    case 'yyyy':
      return d2.getUTCFullYear() - d1.getUTCFullYear();
    case 'q':
      return (d2.getUTCFullYear() - d1.getUTCFullYear()) * 4 + Math.floor(d2.getUTCMonth() / 3) - Math.floor(d1.getUTCMonth() / 3);
    case 'm':
      return (d2.getUTCFullYear() - d1.getUTCFullYear()) * 12 + d2.getUTCMonth() - d1.getUTCMonth();
    case 'y':
    case 'd':
      return trunc(ms / 86_400_000);
    case 'w':
      return trunc(trunc(ms / 86_400_000) / 7);
    case 'ww': {
      // Move both dates back to the Sunday that starts their week, then count whole weeks.
      const s1 = startOfDay(d1) - d1.getUTCDay() * 86_400_000;
      const s2 = startOfDay(d2) - d2.getUTCDay() * 86_400_000;
      return trunc((s2 - s1) / (7 * 86_400_000));
    }
    case 'h':
      return trunc(ms / 3_600_000);
    case 'n':
      return trunc(ms / 60_000);
    case 's':
      return trunc(ms / 1000);
  }
}
