/**
 * Ranged retrieval of `member` (AD's MaxValRange, 1,500 by default): ask for `member;range=lo-hi`, the server
 * answers `member;range=lo-hi` (more to come) or `member;range=lo-*` (last window). ldapts also inserts the
 * requested key with `[]` when the server answered under another name, so the answer is chosen by its values,
 * not by its name.
 */
import type { Entry } from 'ldapts';

export const DEFAULT_RANGE_SIZE = 1500;

/** `member;range=<lo>-<lo+size-1>`. */
export function rangeAttribute(lo: number, size: number = DEFAULT_RANGE_SIZE, attribute = 'member'): string {
  return `${attribute};range=${lo}-${lo + size - 1}`;
}

export interface RangeWindow {
  values: string[];
  /** Where the next window starts, or null when this was the last one. */
  next: number | null;
}

const RANGE_KEY = /^([^;]+);range=(\d+)-(\d+|\*)$/i;

/** Read one window's values out of an entry returned for a ranged request starting at `lo`. */
export function pickRange(entry: Entry, lo: number, attribute = 'member'): RangeWindow {
  const attr = attribute.toLowerCase();
  let plain: string[] | undefined;
  let best: { values: string[]; hi: number | '*' } | undefined;
  for (const [key, raw] of Object.entries(entry)) {
    if (key === 'dn') continue;
    const values = ([] as Array<string | Buffer>).concat(raw).map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
    if (key.toLowerCase() === attr) {
      plain = values;
      continue;
    }
    const m = RANGE_KEY.exec(key);
    if (!m || m[1].toLowerCase() !== attr || Number(m[2]) !== lo) continue;
    const hi = m[3] === '*' ? '*' : Number(m[3]);
    // Prefer the window that carries values; among empty ones prefer the server's own (`lo-*`).
    if (!best || (values.length > 0 && best.values.length === 0) || (best.values.length === 0 && values.length === 0 && hi === '*')) {
      best = { values, hi };
    }
  }
  if (best && best.values.length > 0) {
    return { values: best.values, next: best.hi === '*' ? null : best.hi + 1 };
  }
  // A server that ignores ranges answers with the plain attribute: that is everything.
  if (plain && plain.length > 0) return { values: plain, next: null };
  return { values: [], next: null };
}
