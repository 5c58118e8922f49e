/** String functions: Append, Join, Left, Right, Mid, Trim, StripSpaces, ToLower, ToUpper, PCase, Word, Split, InStr, NormalizeDiacritics. */
import { normalizeDiacritics } from '../diacritics';
import { dotNetTrim, properCase, safeSlice, words } from '../text';
import { EnumWord, scalarToText, type Scalar } from '../values';
import { mapEach, textOf, type Args, type FunctionDef } from './types';

/** Count argument of Left/Right: required, a whole number. */
function count(args: Args, i: number): number {
  const n = args.int(i);
  if (n === null) args.error('the number of characters is missing (null)', i);
  return n;
}

function culture(args: Args, i: number): string | undefined {
  if (!args.present(i)) return undefined;
  const c = args.word(i);
  if (c === null || c === '') return undefined;
  try {
    return Intl.getCanonicalLocales(c)[0];
  } catch {
    return args.error(`'${c}' is not a culture name`, i, 'Use an RFC 4646 name such as en-US or tr-TR, or leave it out for the invariant culture.');
  }
}

export const textFunctions: FunctionDef[] = [
  {
    name: 'Append',
    params: [{ name: 'source' }, { name: 'suffix' }],
    evaluate(args: Args) {
      const suffix = args.text(1);
      const src = args.value(0);
      if (src === null) return suffix;
      return mapEach(src, (s) => (s === null ? suffix : scalarToText(s) + (suffix ?? '')));
    },
  },
  {
    name: 'Join',
    params: [{ name: 'separator' }],
    rest: [{ name: 'source' }],
    minArgs: 2,
    evaluate(args: Args) {
      const sep = args.text(0) ?? '';
      const parts: string[] = [];
      for (let i = 1; i < args.count; i++) {
        const v = args.value(i);
        const items: Scalar[] = v === null ? [] : Array.isArray(v) ? v : [v as Scalar];
        for (const item of items) {
          const t = scalarToText(item);
          if (t !== '') parts.push(t); // null and empty values are skipped: Join(", ", "", [sn], [gn]) = "Doe, John"
        }
      }
      return parts.join(sep);
    },
  },
  {
    name: 'Left',
    params: [{ name: 'String' }, { name: 'NumChars' }],
    evaluate(args: Args) {
      const n = count(args, 1);
      return mapEach(args.value(0), (s) => {
        if (s === null) return '';
        const t = scalarToText(s);
        if (n < 0) return t;
        return safeSlice(t, 0, n);
      });
    },
  },
  {
    name: 'Right',
    params: [{ name: 'String' }, { name: 'NumChars' }],
    evaluate(args: Args) {
      const n = count(args, 1);
      return mapEach(args.value(0), (s) => {
        if (s === null) return '';
        const t = scalarToText(s);
        if (n < 0) return t;
        return safeSlice(t, Math.max(0, t.length - n), t.length);
      });
    },
  },
  {
    name: 'Mid',
    // length is optional (to the end), as in Microsoft's own Item example Mid(Item(…), 6).
    params: [{ name: 'source' }, { name: 'start' }, { name: 'length', optional: true }],
    evaluate(args: Args) {
      const start = args.int(1);
      const length = args.present(2) ? args.int(2) : Number.MAX_SAFE_INTEGER;
      if (start === null || start < 1) args.error(`start must be 1 or more (the first character is 1), got ${start}`, 1);
      if (length === null || length < 0) args.error(`length must be 0 or more, got ${length}`, 2);
      return mapEach(args.value(0), (s) => {
        if (s === null) return '';
        const t = scalarToText(s);
        return safeSlice(t, start - 1, start - 1 + length);
      });
    },
  },
  {
    name: 'Trim',
    params: [{ name: 'value' }],
    evaluate: (args: Args) => mapEach(args.value(0), (s) => (s === null ? null : dotNetTrim(scalarToText(s)))),
  },
  {
    name: 'StripSpaces',
    params: [{ name: 'source' }],
    evaluate: (args: Args) => mapEach(args.value(0), (s) => (s === null ? null : scalarToText(s).replaceAll(' ', ''))),
  },
  {
    name: 'ToLower',
    params: [{ name: 'source' }, { name: 'culture', optional: true }],
    evaluate(args: Args) {
      const c = culture(args, 1);
      return mapEach(args.value(0), (s) => (s === null ? null : c ? scalarToText(s).toLocaleLowerCase(c) : scalarToText(s).toLowerCase()));
    },
  },
  {
    name: 'ToUpper',
    params: [{ name: 'source' }, { name: 'culture', optional: true }],
    evaluate(args: Args) {
      const c = culture(args, 1);
      return mapEach(args.value(0), (s) => (s === null ? null : c ? scalarToText(s).toLocaleUpperCase(c) : scalarToText(s).toUpperCase()));
    },
  },
  {
    name: 'PCase',
    params: [{ name: 'source' }, { name: 'wordSeparators', optional: true }],
    evaluate(args: Args) {
      const seps = args.present(1) ? args.text(1) ?? undefined : undefined;
      return mapEach(args.value(0), (s) => (s === null ? null : properCase(scalarToText(s), seps)));
    },
  },
  {
    name: 'Word',
    params: [{ name: 'String' }, { name: 'WordNumber' }, { name: 'delimiters' }],
    evaluate(args: Args) {
      const n = args.int(1);
      if (n === null) args.error('the word number is missing (null)', 1);
      const delims = args.text(2) ?? '';
      return mapEach(args.value(0), (s) => {
        if (s === null || n < 1) return '';
        return words(scalarToText(s), delims)[n - 1] ?? '';
      });
    },
  },
  {
    name: 'Split',
    params: [{ name: 'source' }, { name: 'delimiter' }],
    evaluate(args: Args) {
      const d = args.text(1);
      const v = args.value(0);
      if (v === null) return null;
      const values: Scalar[] = Array.isArray(v) ? v : [v as Scalar];
      const out: string[] = [];
      for (const item of values) {
        const t = scalarToText(item);
        if (!d) out.push(t);
        else out.push(...t.split(d));
      }
      return out;
    },
  },
  {
    name: 'InStr',
    params: [{ name: 'value1' }, { name: 'value2' }, { name: 'start', optional: true }, { name: 'compareType', optional: true }],
    evaluate(args: Args) {
      const start = args.present(2) ? args.int(2) : 1;
      if (start === null || start < 1) args.error(`start must be 1 or more, got ${start}`, 2);
      let textCompare = false;
      if (args.present(3)) {
        const c = args.scalar(3);
        const w = c instanceof EnumWord ? c.name : textOf(c);
        if (w === null || /^(vbBinaryCompare|0)$/i.test(w)) textCompare = false;
        else if (/^(vbTextCompare|1)$/i.test(w)) textCompare = true;
        else args.error(`'${w}' is not a comparison; use vbBinaryCompare or vbTextCompare`, 3);
      }
      const hay = args.text(0);
      const needle = args.text(1);
      if (hay === null || needle === null) return 0;
      if (start > hay.length + (needle === '' ? 1 : 0)) return 0;
      if (needle === '') return start;
      const h = textCompare ? hay.toLowerCase() : hay;
      const n = textCompare ? needle.toLowerCase() : needle;
      return h.indexOf(n, start - 1) + 1;
    },
  },
  {
    name: 'NormalizeDiacritics',
    params: [{ name: 'source' }],
    evaluate: (args: Args) => mapEach(args.value(0), (s) => (s === null ? null : normalizeDiacritics(scalarToText(s)))),
  },
];
