/**
 * .NET custom date and time format strings (invariant culture), both ways, for FormatDateTime:
 * parse a string with an exact input format, then print it with an output format.
 *
 * A parsed value keeps its wall-clock fields and its offset as written: FormatDateTime("2020-12-31-08:00",
 * "yyyy-MM-ddzzz", "yyyy-MM-dd") gives "2020-12-31" (what Microsoft's NumFromDate example intends), not the
 * date after a conversion to the server's time zone. Styles: AdjustToUniversal converts to UTC first.
 */
import { daysInMonth, fromFields } from './dates';

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction of a second in 100-ns ticks (0..9,999,999). */
  ticks: number;
  /** Minutes east of UTC; null when the input carried no offset (DateTimeKind.Unspecified). */
  offset: number | null;
  /** true when the value is a UTC instant (DateTimeKind.Utc): K prints "Z". */
  utc: boolean;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Invariant-culture patterns of the one-letter standard formats. */
const STANDARD: Record<string, string> = {
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  m: 'MMMM dd',
  M: 'MMMM dd',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  y: 'yyyy MMMM',
  Y: 'yyyy MMMM',
};

type FormatToken = { type: 'field'; letter: string; count: number } | { type: 'literal'; text: string };

const FIELD_LETTERS = new Set(['d', 'f', 'F', 'g', 'h', 'H', 'K', 'm', 'M', 's', 't', 'y', 'z']);

export class FormatError extends Error {}

export function tokenizeFormat(format: string): FormatToken[] {
  if (format.length === 1 && STANDARD[format]) format = STANDARD[format];
  else if (format.length === 1 && FIELD_LETTERS.has(format)) throw new FormatError(`'${format}' is not a valid standard format; write '%${format}' for the custom specifier`);
  const out: FormatToken[] = [];
  const literal = (text: string) => {
    const last = out[out.length - 1];
    if (last && last.type === 'literal') last.text += text;
    else out.push({ type: 'literal', text });
  };
  for (let i = 0; i < format.length; ) {
    const c = format[i];
    if (c === "'" || c === '"') {
      const close = format.indexOf(c, i + 1);
      if (close < 0) throw new FormatError(`unterminated quoted text at position ${i + 1} of the format "${format}"`);
      literal(format.slice(i + 1, close));
      i = close + 1;
    } else if (c === '\\') {
      if (i + 1 >= format.length) throw new FormatError(`the format "${format}" ends with a lone backslash`);
      literal(format[i + 1]);
      i += 2;
    } else if (c === '%') {
      if (i + 1 >= format.length || !FIELD_LETTERS.has(format[i + 1])) throw new FormatError(`'%' must be followed by a format letter in "${format}"`);
      i++;
    } else if (FIELD_LETTERS.has(c)) {
      let j = i;
      while (j < format.length && format[j] === c) j++;
      const count = j - i;
      if ((c === 'f' || c === 'F') && count > 7) throw new FormatError(`more than 7 '${c}' in "${format}"`);
      out.push({ type: 'field', letter: c, count });
      i = j;
    } else {
      literal(c); // ':' and '/' are the invariant time and date separators
      i++;
    }
  }
  return out;
}

const p = (n: number, w: number) => String(Math.abs(n)).padStart(w, '0');

function formatOffset(minutes: number, count: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const h = Math.floor(Math.abs(minutes) / 60);
  const m = Math.abs(minutes) % 60;
  if (count === 1) return `${sign}${h}`;
  if (count === 2) return `${sign}${p(h, 2)}`;
  return `${sign}${p(h, 2)}:${p(m, 2)}`;
}

export function formatDateParts(parts: DateParts, format: string): string {
  const tokens = tokenizeFormat(format);
  if (format === 'u' || format === 'r' || format === 'R') parts = toUniversal(parts);
  const weekday = new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay();
  let out = '';
  for (const t of tokens) {
    if (t.type === 'literal') {
      out += t.text;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case 'd':
        out += n === 1 ? String(parts.day) : n === 2 ? p(parts.day, 2) : n === 3 ? DAYS[weekday].slice(0, 3) : DAYS[weekday];
        break;
      case 'f':
      case 'F': {
        let digits = p(parts.ticks, 7).slice(0, n);
        if (t.letter === 'F') digits = digits.replace(/0+$/, '');
        out += digits;
        break;
      }
      case 'g':
        out += 'A.D.';
        break;
      case 'h': {
        const h12 = parts.hour % 12 === 0 ? 12 : parts.hour % 12;
        out += n === 1 ? String(h12) : p(h12, 2);
        break;
      }
      case 'H':
        out += n === 1 ? String(parts.hour) : p(parts.hour, 2);
        break;
      case 'K':
        out += parts.utc ? 'Z' : parts.offset === null ? '' : formatOffset(parts.offset, 3);
        break;
      case 'm':
        out += n === 1 ? String(parts.minute) : p(parts.minute, 2);
        break;
      case 'M':
        out += n === 1 ? String(parts.month) : n === 2 ? p(parts.month, 2) : n === 3 ? MONTHS[parts.month - 1].slice(0, 3) : MONTHS[parts.month - 1];
        break;
      case 's':
        out += n === 1 ? String(parts.second) : p(parts.second, 2);
        break;
      case 't':
        out += (parts.hour < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2);
        break;
      case 'y':
        out += n === 1 ? String(parts.year % 100) : n === 2 ? p(parts.year % 100, 2) : p(parts.year, n);
        break;
      case 'z':
        out += formatOffset(parts.offset ?? 0, n);
        break;
    }
  }
  return out;
}

/** ParseExact with an invariant-culture format; leading/trailing white space allowed. Returns null on mismatch. */
export function parseDateParts(input: string, format: string): DateParts | null {
  const tokens = tokenizeFormat(format);
  const s = input.trim();
  let i = 0;
  let year: number | undefined, month = 1, day = 1, hour = 0, minute = 0, second = 0, ticks = 0;
  let hour12: number | undefined;
  let pm: boolean | undefined;
  let offset: number | null = null;
  let utc = false;

  const digits = (min: number, max: number): number | null => {
    let j = i;
    while (j < s.length && j - i < max && s[j] >= '0' && s[j] <= '9') j++;
    if (j - i < min) return null;
    const v = Number(s.slice(i, j));
    i = j;
    return v;
  };
  const name = (names: string[], abbreviated: boolean): number | null => {
    for (let k = 0; k < names.length; k++) {
      const cand = abbreviated ? names[k].slice(0, 3) : names[k];
      if (s.slice(i, i + cand.length).toLowerCase() === cand.toLowerCase()) {
        i += cand.length;
        return k;
      }
    }
    return null;
  };
  const parseOffset = (count: number): number | null => {
    const m = count >= 3 || count === 0 ? /^([+-])(\d{1,2}):(\d{2})/.exec(s.slice(i)) : /^([+-])(\d{1,2})/.exec(s.slice(i));
    if (!m) return null;
    i += m[0].length;
    const minutes = Number(m[2]) * 60 + (m[3] ? Number(m[3]) : 0);
    return m[1] === '-' ? -minutes : minutes;
  };

  for (const t of tokens) {
    if (t.type === 'literal') {
      for (const ch of t.text) {
        if (ch === ' ' ? !/\s/.test(s[i] ?? '') : s[i] !== ch) return null;
        i++;
      }
      continue;
    }
    const n = t.count;
    let v: number | null;
    switch (t.letter) {
      case 'd':
        if (n <= 2) {
          if ((v = digits(n, 2)) === null) return null;
          day = v;
        } else if (name(DAYS, n === 3) === null) return null;
        break;
      case 'f':
      case 'F': {
        const start = i;
        if ((v = digits(t.letter === 'f' ? n : 0, n)) === null) return null;
        const len = i - start;
        ticks = len ? Number(s.slice(start, i).padEnd(7, '0')) : 0;
        break;
      }
      case 'g':
        if (s.slice(i, i + 4).toUpperCase() !== 'A.D.') return null;
        i += 4;
        break;
      case 'h':
        if ((v = digits(n, 2)) === null || v < 1 || v > 12) return null;
        hour12 = v;
        break;
      case 'H':
        if ((v = digits(n, 2)) === null) return null;
        hour = v;
        break;
      case 'm':
        if ((v = digits(n, 2)) === null) return null;
        minute = v;
        break;
      case 'M':
        if (n <= 2) {
          if ((v = digits(n, 2)) === null) return null;
          month = v;
        } else {
          if ((v = name(MONTHS, n === 3)) === null) return null;
          month = v + 1;
        }
        break;
      case 's':
        if ((v = digits(n, 2)) === null) return null;
        second = v;
        break;
      case 't': {
        const want = s.slice(i, i + (n === 1 ? 1 : 2)).toUpperCase();
        if (want === 'A' || want === 'AM') pm = false;
        else if (want === 'P' || want === 'PM') pm = true;
        else return null;
        i += want.length;
        break;
      }
      case 'y':
        if (n <= 2) {
          if ((v = digits(n, 2)) === null) return null;
          year = v <= 49 ? 2000 + v : 1900 + v; // .NET TwoDigitYearMax = 2049
        } else {
          if ((v = digits(n, Math.max(n, 4))) === null) return null;
          year = v;
        }
        break;
      case 'z':
        if ((v = parseOffset(n)) === null) return null;
        offset = v;
        break;
      case 'K':
        if (s[i] === 'Z' || s[i] === 'z') {
          i++;
          offset = 0;
          utc = true;
        } else if (s[i] === '+' || s[i] === '-') {
          if ((v = parseOffset(3)) === null) return null;
          offset = v;
        }
        break;
    }
  }
  if (i !== s.length) return null;
  if (hour12 !== undefined) hour = (hour12 % 12) + (pm ? 12 : 0);
  else if (pm !== undefined && hour < 12 && pm) hour += 12;
  const y = year ?? 1;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(y, month) || hour > 23 || minute > 59 || second > 59) return null;
  if (offset !== null && Math.abs(offset) > 14 * 60) return null;
  return { year: y, month, day, hour, minute, second, ticks, offset, utc };
}

export function partsFromDate(d: Date): DateParts {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ticks: d.getUTCMilliseconds() * 10_000,
    offset: 0,
    utc: true,
  };
}

/** The instant the parts denote (no offset = UTC). */
export function partsToDate(parts: DateParts): Date | null {
  const d = fromFields(parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second, Math.floor(parts.ticks / 10_000), parts.offset ?? 0);
  return d;
}

export function toUniversal(parts: DateParts): DateParts {
  if (parts.utc || parts.offset === null || parts.offset === 0) return { ...parts, offset: 0, utc: true };
  const d = partsToDate(parts);
  if (!d) return parts;
  return { ...partsFromDate(d), ticks: parts.ticks };
}
