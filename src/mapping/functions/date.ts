/** Dates: CDate, Now, DateAdd, DateDiff, DateFromNum, NumFromDate, FormatDateTime. */
import type { CallNode } from '../ast';
import { dateAdd, dateDiff, dateToFileTime, fileTimeToDate, INTERVALS, parseDateTime, parseInterval, type Interval } from '../dates';
import { FormatError, formatDateParts, parseDateParts, partsFromDate, toUniversal, tokenizeFormat } from '../datetime-format';
import { scalarToText } from '../values';
import { mapEach, type Args, type CompileCheck, type FunctionDef } from './types';

function interval(args: Args, i: number): Interval {
  const w = args.word(i);
  const iv = w === null ? null : parseInterval(w);
  if (!iv) args.error(`'${w}' is not an interval`, i, `Use one of ${INTERVALS.map((x) => `"${x}"`).join(', ')} (yyyy year, m month, d day, ww week, h hour, n minute, s second).`);
  return iv;
}

function checkLiteralInterval(call: CallNode, check: CompileCheck) {
  const a = call.args[0];
  if (a && a.kind === 'string' && !parseInterval(a.value)) check.fail(`'${a.value}' is not a DateAdd/DateDiff interval`, a.start, `Use one of ${INTERVALS.join(', ')}.`);
}

const DATE_TIME_STYLES = ['None', 'AllowLeadingWhite', 'AllowTrailingWhite', 'AllowInnerWhite', 'AllowWhiteSpaces', 'NoCurrentDateDefault', 'AdjustToUniversal', 'AssumeLocal', 'AssumeUniversal', 'RoundtripKind'];

/** FormatDateTime(source, [dateTimeStyles,] inputFormat, outputFormat): the two references disagree on the arity; both work. */
const fdtSignature = (n: number) =>
  n >= 4
    ? [{ name: 'source' }, { name: 'dateTimeStyles', optional: true }, { name: 'inputFormat' }, { name: 'outputFormat' }]
    : [{ name: 'source' }, { name: 'inputFormat' }, { name: 'outputFormat' }];

export const dateFunctions: FunctionDef[] = [
  {
    name: 'CDate',
    params: [{ name: 'expression' }],
    evaluate: (args: Args) =>
      mapEach(args.value(0), (s) => {
        if (s === null) return null;
        if (s instanceof Date) return s;
        const d = typeof s === 'string' ? parseDateTime(s) : null;
        if (!d) args.error(`${JSON.stringify(scalarToText(s))} is not a date/time`, 0, 'Use ISO 8601 (2021-06-30, 2021-06-30+08:00, 2009-06-15T01:45:30-07:00) or M/d/yyyy h:mm:ss tt.');
        return d;
      }),
  },
  {
    name: 'Now',
    params: [],
    evaluate: (args: Args) => args.ctx.hooks.now(),
  },
  {
    name: 'DateAdd',
    params: [{ name: 'interval' }, { name: 'value' }, { name: 'dateTime' }],
    validate: checkLiteralInterval,
    evaluate(args: Args) {
      const iv = interval(args, 0);
      const n = args.number(1);
      const d = args.date(2);
      if (n === null || d === null) return null;
      const out = dateAdd(iv, Math.trunc(n), d);
      if (Number.isNaN(out.getTime())) args.error('the result is out of the supported date range', 1);
      return out;
    },
  },
  {
    name: 'DateDiff',
    params: [{ name: 'interval' }, { name: 'date1' }, { name: 'date2' }],
    validate: checkLiteralInterval,
    evaluate(args: Args) {
      const iv = interval(args, 0);
      const d1 = args.date(1);
      const d2 = args.date(2);
      if (d1 === null || d2 === null) return null;
      return dateDiff(iv, d1, d2);
    },
  },
  {
    name: 'DateFromNum',
    params: [{ name: 'value' }],
    evaluate(args: Args) {
      const n = args.bigint(0);
      if (n === null) return null;
      const d = fileTimeToDate(n);
      if (n < 0n || Number.isNaN(d.getTime())) args.error(`${n} is not an AD date (100-ns intervals since 1601-01-01)`, 0);
      return d;
    },
  },
  {
    name: 'NumFromDate',
    params: [{ name: 'value' }],
    evaluate(args: Args) {
      const d = args.date(0);
      return d === null ? null : dateToFileTime(d);
    },
  },
  {
    name: 'FormatDateTime',
    params: [{ name: 'source' }, { name: 'dateTimeStyles', optional: true }, { name: 'inputFormat' }, { name: 'outputFormat' }],
    minArgs: 3,
    maxArgs: 4,
    signature: fdtSignature,
    validate(call, check) {
      const n = call.args.length;
      const formats = n >= 4 ? [call.args[2], call.args[3]] : [call.args[1], call.args[2]];
      for (const f of formats) {
        if (f && f.kind === 'string') {
          try {
            tokenizeFormat(f.value);
          } catch (err) {
            check.fail(`Invalid date format "${f.value}": ${(err as Error).message}`, f.start, 'Use .NET custom date and time format strings, e.g. "yyyy-MM-dd".');
          }
        }
      }
    },
    evaluate(args: Args) {
      const four = args.count >= 4;
      const styles = four && args.present(1) ? (args.word(1) ?? '') : '';
      let adjustToUniversal = false;
      for (const s of styles.split(/[\s,|]+/).filter(Boolean)) {
        const name = s.replace(/^DateTimeStyles\./i, '');
        const known = DATE_TIME_STYLES.find((x) => x.toLowerCase() === name.toLowerCase());
        if (!known) args.error(`'${s}' is not a DateTimeStyles value`, 1, `Use ${DATE_TIME_STYLES.join(', ')}.`);
        if (known === 'AdjustToUniversal') adjustToUniversal = true;
      }
      const inIdx = four ? 2 : 1;
      const outIdx = four ? 3 : 2;
      const inputFormat = args.text(inIdx);
      const outputFormat = args.text(outIdx);
      if (inputFormat === null) args.error('the input format is missing', inIdx);
      if (outputFormat === null) args.error('the output format is missing', outIdx);
      return mapEach(args.value(0), (s) => {
        if (s === null) return null;
        let parts = s instanceof Date ? partsFromDate(s) : null;
        if (!parts) {
          const text = scalarToText(s);
          try {
            parts = parseDateParts(text, inputFormat);
          } catch (err) {
            if (err instanceof FormatError) args.error(`invalid format: ${err.message}`, inIdx);
            throw err;
          }
          if (!parts) args.error(`${JSON.stringify(text)} does not match the input format "${inputFormat}"`, 0);
        }
        if (adjustToUniversal) parts = toUniversal(parts);
        try {
          return formatDateParts(parts, outputFormat);
        } catch (err) {
          if (err instanceof FormatError) args.error(`invalid format: ${err.message}`, outIdx);
          throw err;
        }
      });
    },
  },
];
