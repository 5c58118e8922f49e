/** String helpers with .NET semantics, shared by the text functions. */

/** Char.IsWhiteSpace (what String.Trim removes). Unlike JS trim(), U+FEFF is not white space. */
const WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
export const isDotNetWhiteSpace = (ch: string) => WHITESPACE.has(ch.charCodeAt(0));

export function dotNetTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isDotNetWhiteSpace(s[a])) a++;
  while (b > a && isDotNetWhiteSpace(s[b - 1])) b--;
  return s.slice(a, b);
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Substring by UTF-16 code units (the unit .NET and AD count in), never splitting a surrogate pair: a cut that
 * would fall inside a pair leaves the whole character out.
 */
export function safeSlice(s: string, start: number, end: number): string {
  start = Math.max(0, Math.min(start, s.length));
  end = Math.max(start, Math.min(end, s.length));
  if (start > 0 && start < s.length && isLow(s.charCodeAt(start)) && isHigh(s.charCodeAt(start - 1))) start++;
  if (end < s.length && end > 0 && isLow(s.charCodeAt(end)) && isHigh(s.charCodeAt(end - 1))) end--;
  return start >= end ? '' : s.slice(start, end);
}

/** Default word separators of PCase (.NET ToTitleCase): anything but letters, marks, digits and the apostrophe. */
const isWordChar = (ch: string) => /[\p{L}\p{M}\p{Nd}\p{Nl}\p{No}']/u.test(ch);

/** PCase: first letter of each word upper case, the rest lower case. */
export function properCase(s: string, separators?: string): string {
  const isSep = separators !== undefined ? (ch: string) => separators.includes(ch) : (ch: string) => !isWordChar(ch);
  let out = '';
  let startOfWord = true;
  for (const ch of s) {
    if (isSep(ch)) {
      out += ch;
      startOfWord = true;
      continue;
    }
    out += startOfWord ? ch.toUpperCase() : ch.toLowerCase();
    startOfWord = false;
  }
  return out;
}

/** Words of a string: runs of characters between any of the delimiter characters (empty runs are not words). */
export function words(s: string, delimiters: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (delimiters.includes(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}
