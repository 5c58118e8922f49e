/**
 * Every function with its edge cases: null (absent), empty, multi-valued, out of range, type conversions.
 * Input attributes: s = "Hello World", n = null, e = "", mv = three values, mv1 = one value, mv0 = no values,
 * num = 42, t = true, f = false, sp = padded, emoji = "a😀b", dn = a DN with an escaped comma.
 */
import { describe, expect, it } from 'vitest';
import { functionNames } from '../../../src/mapping';
import { errorOf, ev, result } from './helpers';

const input = {
  s: 'Hello World',
  n: null,
  e: '',
  mv: ['one', 'two', 'one'],
  mv1: ['only'],
  mv0: [],
  num: 42,
  t: true,
  f: false,
  sp: '  padded  ',
  emoji: 'a😀b',
  dn: String.raw`CN=Doe\, John,OU=Users,DC=contoso,DC=com`,
  big: '9223372036854775807',
};

type Expected = string | string[] | null | { error: RegExp };
const rows = (title: string, list: Array<[string, Expected]>) =>
  describe(title, () => {
    it.each(list)('%s → %j', (expression, expected) => {
      if (expected && typeof expected === 'object' && !Array.isArray(expected)) expect(errorOf(expression, input).message).toMatch(expected.error);
      else expect(ev(expression, input)).toEqual(expected);
    });
  });

rows('Append', [
  ['Append([s], "!")', 'Hello World!'],
  ['Append([n], "x")', 'x'],
  ['Append("x", [n])', 'x'],
  ['Append([n], [n])', null],
  ['Append([e], "")', ''],
  ['Append([mv], "-x")', ['one-x', 'two-x', 'one-x']],
  ['Append([num], 1)', '421'],
  ['Append([t], [f])', 'TrueFalse'],
  ['Append("a", [mv1])', 'aonly'],
  ['Append("a", [mv])', { error: /Append \(argument 'suffix'\): expected a single value but got 3 values/ }],
]);

rows('BitAnd', [
  ['BitAnd(6, 3)', '2'],
  ['BitAnd("12", &H4)', '4'],
  ['BitAnd([num], &HFF)', '42'],
  ['BitAnd([n], 1)', null],
  ['BitAnd([big], &H7FFFFFFFFFFFFFFF)', '9223372036854775807'],
  ['BitAnd(&HFFFFFFFFFFFFFFFF, &H8000000000000000)', '9223372036854775808'],
  ['BitAnd("x", 1)', { error: /BitAnd \(argument 'value1'\): expected a whole number but got "x"/ }],
  ['BitAnd(1.5, 1)', { error: /value1.*whole number/ }],
]);

rows('CBool', [
  ['CBool(1)', 'True'],
  ['CBool(0)', 'False'],
  ['CBool(-3)', 'True'],
  ['CBool("0")', 'False'],
  ['CBool("true")', 'True'],
  ['CBool([t])', 'True'],
  ['CBool([n])', 'False'],
  ['CBool([num] > 40)', 'True'],
  ['CBool("maybe")', { error: /cannot convert "maybe"/ }],
]);

rows('CDate', [
  ['CDate([n])', null],
  ['CDate("2021-08-24")', '8/24/2021 12:00:00 AM'],
  ['CDate("2021-08-24T13:05:00Z")', '8/24/2021 1:05:00 PM'],
  ['CDate("2021-08-24 00:30:00+01:00")', '8/23/2021 11:30:00 PM'],
  ['CDate("8/25/2021 5:41:18 PM")', '8/25/2021 5:41:18 PM'],
  ['CDate("12/31/2021 12:00:00 AM")', '12/31/2021 12:00:00 AM'],
  ['CDate("20150123105347.1Z")', '1/23/2015 10:53:47 AM'],
  ['CDate(Split("2021-01-01;2021-01-02", ";"))', ['1/1/2021 12:00:00 AM', '1/2/2021 12:00:00 AM']],
  ['CDate("2021-02-30")', { error: /"2021-02-30" is not a date\/time/ }],
  ['CDate("13/01/2021")', { error: /is not a date/ }],
  ['CDate(5)', { error: /"5" is not a date/ }],
]);

rows('Coalesce', [
  ['Coalesce([n], "default")', 'default'],
  ['Coalesce([n], [e], "d")', ''],
  ['Coalesce([n], [n])', null],
  ['Coalesce([mv0], "x")', 'x'],
  ['Coalesce([mv], "x")', ['one', 'two', 'one']],
  ['Coalesce([s])', 'Hello World'],
  ['Coalesce([n], [s], Error("not evaluated"))', 'Hello World'],
]);

rows('ConvertToBase64 / ConvertFromBase64 / ConvertToUTF8Hex', [
  ['ConvertToBase64([n])', null],
  ['ConvertToBase64([e])', ''],
  ['ConvertToBase64("é")', '6QA='],
  ['ConvertFromBase64(ConvertToBase64("Grüße 😀"))', 'Grüße 😀'],
  ['ConvertFromBase64("SGk=", ASCII)', 'Hi'],
  ['ConvertFromBase64("/w==", ASCII)', '?'],
  ['ConvertFromBase64("w6k=", "UTF8")', 'é'],
  ['ConvertFromBase64("w6k=", UTF8)', 'é'],
  ['ConvertFromBase64([n])', null],
  ['ConvertFromBase64("abc")', { error: /"abc" is not base64/ }],
  ['ConvertToUTF8Hex("é")', 'C3A9'],
  ['ConvertToUTF8Hex([mv1])', ['6F6E6C79']],
  ['ConvertToUTF8Hex([n])', null],
]);

rows('Contains (Connect Sync, used by the Item example)', [
  ['Contains([mv], "tw")', '2'],
  ['Contains([mv], "TW")', '0'],
  ['Contains([mv], "TW", IgnoreCase)', '2'],
  ['Contains([n], "x")', '0'],
  ['Contains([s], "World")', '1'],
]);

rows('Count', [
  ['Count([mv])', '3'],
  ['Count([mv1])', '1'],
  ['Count([mv0])', '0'],
  ['Count([n])', '0'],
  ['Count([s])', '1'],
  ['Count(Split("a,b,c,d", ","))', '4'],
]);

rows('CStr / CRef', [
  ['CStr([num])', '42'],
  ['CStr([t])', 'True'],
  ['CStr([f])', 'False'],
  ['CStr(1.5)', '1.5'],
  ['CStr(-10)', '-10'],
  ['CStr([n])', null],
  ['CStr([mv1])', ['only']],
  ['CStr(CDate("2021-01-02T03:04:05Z"))', '1/2/2021 3:04:05 AM'],
  ['CRef([dn])', String.raw`CN=Doe\, John,OU=Users,DC=contoso,DC=com`],
]);

rows('DateAdd', [
  ['DateAdd("m", 1, CDate("2021-01-31"))', '2/28/2021 12:00:00 AM'],
  ['DateAdd("m", 1, CDate("2020-01-31"))', '2/29/2020 12:00:00 AM'],
  ['DateAdd("yyyy", 1, CDate("2020-02-29"))', '2/28/2021 12:00:00 AM'],
  ['DateAdd("m", -13, CDate("2021-03-15T10:00:00Z"))', '2/15/2020 10:00:00 AM'],
  ['DateAdd("q", 1, CDate("2021-11-30"))', '2/28/2022 12:00:00 AM'],
  ['DateAdd("h", 25, CDate("2021-01-01"))', '1/2/2021 1:00:00 AM'],
  ['DateAdd("n", 90, CDate("2021-01-01"))', '1/1/2021 1:30:00 AM'],
  ['DateAdd("s", -1, CDate("2021-01-01"))', '12/31/2020 11:59:59 PM'],
  ['DateAdd("D", 1.9, CDate("2021-01-01"))', '1/2/2021 12:00:00 AM'],
  ['DateAdd("d", 1, "2021-01-01")', '1/2/2021 12:00:00 AM'],
  ['DateAdd("d", 1, [n])', null],
  ['DateAdd("d", [n], CDate("2021-01-01"))', null],
  ['DateAdd("d", "x", CDate("2021-01-01"))', { error: /DateAdd \(argument 'value'\): expected a number/ }],
  ['DateAdd([s], 1, CDate("2021-01-01"))', { error: /'Hello World' is not an interval/ }],
]);

rows('DateDiff', [
  ['DateDiff("d", CDate("2021-01-01T00:00:00Z"), CDate("2021-01-02T23:59:59Z"))', '1'],
  ['DateDiff("d", CDate("2021-01-02T23:59:59Z"), CDate("2021-01-01T00:00:00Z"))', '-1'],
  ['DateDiff("m", CDate("2021-01-31"), CDate("2021-02-01"))', '1'],
  ['DateDiff("yyyy", CDate("2021-12-31"), CDate("2022-01-01"))', '1'],
  ['DateDiff("q", CDate("2021-03-31"), CDate("2021-04-01"))', '1'],
  ['DateDiff("ww", CDate("2021-08-21"), CDate("2021-08-22"))', '1'],
  ['DateDiff("w", CDate("2021-08-21"), CDate("2021-08-27"))', '0'],
  ['DateDiff("w", CDate("2021-08-21"), CDate("2021-08-28"))', '1'],
  ['DateDiff("h", CDate("2021-01-01T00:59:00Z"), CDate("2021-01-01T01:58:00Z"))', '0'],
  ['DateDiff("d", [n], Now())', null],
]);

rows('DateFromNum / NumFromDate', [
  ['DateFromNum(0)', '1/1/1601 12:00:00 AM'],
  ['DateFromNum("116444736000000000")', '1/1/1970 12:00:00 AM'],
  ['DateFromNum([n])', null],
  ['NumFromDate("2012-01-01T23:00:00Z")', '129699324000000000'],
  ['NumFromDate("1970-01-01")', '116444736000000000'],
  ['NumFromDate(DateFromNum(132537600001234567))', '132537600001230000'],
  ['NumFromDate([n])', null],
  ['NumFromDate("garbage")', { error: /NumFromDate \(argument 'value'\): expected a date\/time/ }],
]);

rows('FormatDateTime (.NET custom formats, invariant culture)', [
  ['FormatDateTime("2021-06-30T08:05:09.1234567+02:00", , "yyyy-MM-ddTHH:mm:ss.fffffffzzz", "dddd, d MMMM yyyy h:mm:ss tt zzz K")', 'Wednesday, 30 June 2021 8:05:09 AM +02:00 +02:00'],
  ['FormatDateTime("2021-06-30T08:05:09.1234567+02:00", , "yyyy-MM-ddTHH:mm:ss.fffffffzzz", "ddd dd MMM yy H:m:s.fff z zz")', 'Wed 30 Jun 21 8:5:9.123 +2 +02'],
  ['FormatDateTime("2020-12-31-08:00", , "yyyy-MM-ddzzz", "yyyy-MM-dd")', '2020-12-31'],
  ['FormatDateTime("2020-12-31-08:00", "AdjustToUniversal", "yyyy-MM-ddzzz", "yyyy-MM-dd HH:mm")', '2020-12-31 08:00'],
  ['FormatDateTime("2020-12-31-08:00", AdjustToUniversal, "yyyy-MM-ddzzz", "yyyy-MM-ddTHH:mm:ssK")', '2020-12-31T08:00:00Z'],
  ['FormatDateTime("2020-12-31 20:00-08:00", "AdjustToUniversal", "yyyy-MM-dd HH:mmzzz", "yyyy-MM-dd HH:mm")', '2021-01-01 04:00'],
  ['FormatDateTime("2020-12-31-08:00", "DateTimeStyles.RoundtripKind, AllowLeadingWhite", "yyyy-MM-ddzzz", "yyyy-MM-dd")', '2020-12-31'],
  ['FormatDateTime("Jan 05, 2021", , "MMM dd, yyyy", "yyyyMMdd")', '20210105'],
  ['FormatDateTime("january 5 2021", , "MMMM d yyyy", "M/d/yyyy")', '1/5/2021'],
  ['FormatDateTime("49-01-01", , "yy-MM-dd", "yyyy")', '2049'],
  ['FormatDateTime("50-01-01", , "yy-MM-dd", "yyyy")', '1950'],
  ['FormatDateTime("20150123105347.1Z", "yyyyMMddHHmmss.fZ", "HH:mm:ss.FFF")', '10:53:47.1'],
  ['FormatDateTime("20150123105347.0Z", "yyyyMMddHHmmss.fZ", "HH:mm:ss.FFF")', '10:53:47.'],
  ['FormatDateTime("12:30 AM", "hh:mm tt", "HH:mm")', '00:30'],
  ['FormatDateTime("12:30 PM", "hh:mm tt", "HH:mm")', '12:30'],
  ['FormatDateTime("2021-06-30 08:00", , "yyyy-MM-dd HH:mm", "o")', '2021-06-30T08:00:00.0000000'],
  ['FormatDateTime("2021-06-30 08:00", , "yyyy-MM-dd HH:mm", "s")', '2021-06-30T08:00:00'],
  ['FormatDateTime("2021-06-30 08:00+02:00", , "yyyy-MM-dd HH:mmzzz", "u")', '2021-06-30 06:00:00Z'],
  ['FormatDateTime("2021-06-30", , "yyyy-MM-dd", "yyyy\'年\'MM\'月\'")', '2021年06月'],
  ['FormatDateTime("2021-06-30", , "yyyy-MM-dd", "\\\\d\\\\a\\\\y d")', 'day 30'],
  ['FormatDateTime("  2021-06-30 ", , "yyyy-MM-dd", "%d")', '30'],
  ['FormatDateTime(CDate("2021-06-30+08:00"), , "ignored for DateTime values", "yyyy-MM-dd HH:mm K")', '2021-06-29 16:00 Z'],
  ['FormatDateTime(Split("2021-01-01,2021-02-01", ","), , "yyyy-MM-dd", "MMM")', ['Jan', 'Feb']],
  ['FormatDateTime([n], , "yyyy", "yyyy")', null],
  ['FormatDateTime("2021-13-01", , "yyyy-MM-dd", "yyyy")', { error: /"2021-13-01" does not match the input format "yyyy-MM-dd"/ }],
  ['FormatDateTime("2021", , "yyyy", [s] & "\'")', { error: /argument 'outputFormat'.*unterminated quoted text/ }],
  ['FormatDateTime("2021", "Sideways", "yyyy", "yyyy")', { error: /'Sideways' is not a DateTimeStyles value/ }],
]);

describe('Guid', () => {
  it('is injectable and random by default', () => {
    expect(ev('Append("id-", Guid())', {}, { guid: () => 'fixed' })).toBe('id-fixed');
    const a = ev('Guid()');
    const b = ev('Guid()');
    expect(a).not.toBe(b);
  });
});

describe('IgnoreFlowIfNullOrEmpty', () => {
  it.each([
    ['IgnoreFlowIfNullOrEmpty([n])', { value: null, dropped: true }],
    ['IgnoreFlowIfNullOrEmpty([e])', { value: null, dropped: true }],
    ['IgnoreFlowIfNullOrEmpty([mv0])', { value: null, dropped: true }],
    ['IgnoreFlowIfNullOrEmpty(Trim("   "))', { value: null, dropped: true }],
    ['IgnoreFlowIfNullOrEmpty([mv])', { value: ['one', 'two', 'one'] }],
    ['IgnoreFlowIfNullOrEmpty([f])', { value: 'False' }],
    // the marker propagates through functions that use it, so the whole attribute is dropped
    ['Append(IgnoreFlowIfNullOrEmpty([n]), "x")', { value: null, dropped: true }],
    ['Left(IgnoreFlowIfNullOrEmpty([n]), 3) & "x"', { value: null, dropped: true }],
    ['IIF(IsPresent([s]), IgnoreFlowIfNullOrEmpty([n]), "other")', { value: null, dropped: true }],
    ['IIF(IsPresent([n]), IgnoreFlowIfNullOrEmpty([n]), "other")', { value: 'other' }],
    ['Switch([s], IgnoreFlowIfNullOrEmpty([n]), "Hello World", "hit")', { value: 'hit' }],
    ['IgnoreFlowIfNullOrEmpty(IgnoreFlowIfNullOrEmpty([n]))', { value: null, dropped: true }],
  ])('%s', (expression, expected) => {
    expect(result(expression, input)).toEqual(expected);
  });
});

rows('IIF and comparisons', [
  ['IIF(1, "yes", "no")', 'yes'],
  ['IIF(0, "yes", "no")', 'no'],
  ['IIF([n], "yes", "no")', 'no'],
  ['IIF([t], "yes", "no")', 'yes'],
  ['IIF("FALSE", "yes", "no")', 'no'],
  ['IIF(True, "a", Error("not evaluated"))', 'a'],
  ['IIF([num] > 5, "big", "small")', 'big'],
  ['IIF([num] >= 42, "y", "n")', 'y'],
  ['IIF([num] < 42, "y", "n")', 'n'],
  ['IIF([num] <= 42, "y", "n")', 'y'],
  ['IIF([num] = "42", "y", "n")', 'y'],
  ['IIF([num] = "42.0", "y", "n")', 'y'],
  ['IIF([num] <> 42, "y", "n")', 'n'],
  ['IIF("10" > "9", "numeric", "text")', 'numeric'],
  ['IIF("b" > "a", "y", "n")', 'y'],
  ['IIF("B" = "b", "y", "n")', 'n'],
  ['IIF("B" < "a", "y", "n")', 'y'],
  ['IIF([n] > 1, "y", "n")', 'n'],
  ['IIF([n] < 1, "y", "n")', 'n'],
  ['IIF([n] = [e], "y", "n")', 'y'],
  ['IIF([n] <> "", "y", "n")', 'n'],
  ['IIF([n] = "x", "y", "n")', 'n'],
  ['IIF([mv] = "two", "y", "n")', 'y'],
  ['IIF([mv] <> "two", "y", "n")', 'n'],
  ['IIF([mv0] = "", "y", "n")', 'y'],
  ['IIF([t] = "true", "y", "n")', 'y'],
  ['IIF(IsPresent([s]) = True, "y", "n")', 'y'],
  ['IIF(CDate("2021-01-01") < CDate("2021-01-02"), "y", "n")', 'y'],
  ['IIF(CDate("2021-01-01") = "2021-01-01T00:00:00Z", "y", "n")', 'y'],
  ['IIF([s] & "!" = "Hello World!", "y", "n")', 'y'],
  ['IIF([mv] > "a", "y", "n")', { error: /'>' cannot compare a multi-valued value/ }],
  ['IIF([s], "y", "n")', { error: /IIF \(argument 'condition'\): the condition must be True or False but is "Hello World"/ }],
]);

rows('& concatenation', [
  ['"a" & "b" & 1 & [t]', 'ab1True'],
  ['[n] & "x"', 'x'],
  ['[n] & [n]', null],
  ['[mv1] & "!"', 'only!'],
]);

rows('InStr', [
  ['InStr([s], "o")', '5'],
  ['InStr([s], "o", 6)', '8'],
  ['InStr([s], "o", 100)', '0'],
  ['InStr([s], "xyz")', '0'],
  ['InStr([s], "WORLD")', '0'],
  ['InStr([s], "WORLD", 1, vbTextCompare)', '7'],
  ['InStr([s], "World", , )', '7'],
  ['InStr([s], "")', '1'],
  ['InStr([s], "", 3)', '3'],
  ['InStr([n], "a")', '0'],
  ['InStr([s], [n])', '0'],
]);

rows('IsNull / IsNullOrEmpty / IsPresent / IsString', [
  ['IsNull([n])', 'True'],
  ['IsNull([e])', 'False'],
  ['IsNull([mv0])', 'True'],
  ['IsNull([mv])', 'False'],
  ['IsNullOrEmpty([e])', 'True'],
  ['IsNullOrEmpty([mv0])', 'True'],
  ['IsNullOrEmpty([mv])', 'False'],
  ['IsNullOrEmpty([f])', 'False'],
  ['IsPresent([s])', 'True'],
  ['IsPresent([e])', 'False'],
  ['IsPresent([n])', 'False'],
  ['IsPresent([num])', 'True'],
  ['IsString([s])', 'True'],
  ['IsString([num])', 'True'],
  ['IsString([t])', 'True'],
  ['IsString([n])', 'False'],
  ['IsString([mv])', 'False'],
  ['IsString([mv1])', 'True'],
]);

rows('Item', [
  ['Item([mv], 2)', 'two'],
  ['Item([mv], "3")', 'one'],
  ['Item([s], 1)', 'Hello World'],
  ['Item(Split("a;b", ";"), 2)', 'b'],
  ['Item([n], 1)', { error: /index 1 is out of range: the attribute has no values/ }],
  ['Item([mv], -1)', { error: /index -1 is out of range \(1 to 3\)/ }],
  ['Item([mv], [n])', { error: /the index is missing/ }],
]);

rows('Join', [
  ['Join(",", [mv], [s])', 'one,two,one,Hello World'],
  ['Join("-", [n], [e])', ''],
  ['Join([n], "a", "b")', 'ab'],
  ['Join(", ", 1, True, 1.5, &H10)', '1, True, 1.5, 16'],
  ['Join("", [mv0], [mv1])', 'only'],
]);

rows('Left / Right', [
  ['Left([s], 5)', 'Hello'],
  ['Left([n], 3)', ''],
  ['Left([s], 0)', ''],
  ['Left([s], -1)', 'Hello World'],
  ['Left([s], 100)', 'Hello World'],
  ['Left([mv], 2)', ['on', 'tw', 'on']],
  ['Left([emoji], 2)', 'a'],
  ['Left([emoji], 3)', 'a😀'],
  ['Left([num], 1)', '4'],
  ['Left([s], [n])', { error: /the number of characters is missing/ }],
  ['Right("John Doe", 3)', 'Doe'],
  ['Right([s], 0)', ''],
  ['Right([s], -5)', 'Hello World'],
  ['Right([s], 50)', 'Hello World'],
  ['Right([n], 2)', ''],
  ['Right([emoji], 2)', 'b'],
  ['Right([emoji], 3)', '😀b'],
  ['Right([mv], 1)', ['e', 'o', 'e']],
]);

rows('Mid', [
  ['Mid("abcdef", 2, 3)', 'bcd'],
  ['Mid("abc", 2, 100)', 'bc'],
  ['Mid("abc", 4, 1)', ''],
  ['Mid("abc", 10, 1)', ''],
  ['Mid("abc", 1, 0)', ''],
  ['Mid("abc", 2)', 'bc'],
  ['Mid([n], 1, 2)', ''],
  ['Mid([emoji], 2, 1)', ''],
  ['Mid([emoji], 2, 2)', '😀'],
  ['Mid([mv], 2, 2)', ['ne', 'wo', 'ne']],
  ['Mid("abc", 0, 1)', { error: /Mid \(argument 'start'\): start must be 1 or more/ }],
]);

rows('NormalizeDiacritics', [
  ['NormalizeDiacritics([n])', null],
  ['NormalizeDiacritics("Đorđe Łukasz Ærø Straße")', 'Dorde Lukasz AEroe Strasse'],
  ['NormalizeDiacritics("François Müller-Lüdenscheidt")', 'Francois Muller-Ludenscheidt'],
  ['NormalizeDiacritics("ガ й 中")', 'ガ й 中'],
  ['NormalizeDiacritics(Split("é,ñ", ","))', ['e', 'n']],
]);

rows('Not', [
  ['Not([n])', 'True'],
  ['Not("TRUE")', 'False'],
  ['Not([f])', 'True'],
  ['Not(Not([t]))', 'True'],
  ['Not(IsPresent([s]))', 'False'],
]);

rows('PCase', [
  ['PCase("hello-world foo_bar")', 'Hello-World Foo_Bar'],
  ['PCase("o\'NEIL mcDonald")', "O'neil Mcdonald"],
  ['PCase("JOHN SMITH", ",")', 'John smith'],
  ['PCase([n])', null],
  ['PCase([mv])', ['One', 'Two', 'One']],
]);

rows('RemoveDuplicates', [
  ['RemoveDuplicates([mv])', ['one', 'two']],
  ['RemoveDuplicates([n])', null],
  ['RemoveDuplicates([s])', ['Hello World']],
  ['RemoveDuplicates(Split("a,A,a", ","))', ['a', 'A']],
]);

rows('Replace', [
  ['Replace([n], "a", , , "b", , )', null],
  ['Replace([s], "", , , "x", , )', 'Hello World'],
  ['Replace("a.b.c", ".", , , "-", , )', 'a-b-c'],
  ['Replace([s], "o", , , [n], , )', 'Hell Wrld'],
  ['Replace([s], "l", , , "L", , )', 'HeLLo WorLd'],
  ['Replace([mv], "o", , , "0", , )', ['0ne', 'tw0', '0ne']],
  ['Replace([s], "World", , , , , "<World> and more")', '<Hello World> and more'],
  ['Replace([n], "x", , , , , "t")', null],
  ['Replace([s], , "o", , "0", , )', 'Hell0 W0rld'],
  ['Replace([s], , "O", , "0", , )', 'Hello World'],
  ['Replace([s], , "(?i)O", , "0", , )', 'Hell0 W0rld'],
  ['Replace([s], , "(\\\\w+) (\\\\w+)", , "$2 $1", , )', 'World Hello'],
  ['Replace([s], , "(?<a>\\\\w+) (?<b>\\\\w+)", , "${b}-${a}-$$-$0", , )', 'World-Hello-$-Hello World'],
  ['Replace([s], , "(?\'first\'\\\\w+)", "first", "X", , )', 'X X'],
  ['Replace("2021-06-30", , "\\\\A(\\\\d+)", , "[$1]", , )', '[2021]-06-30'],
  ['Replace("a,b", , "[,]", , "\\\\", , )', 'a\\b'],
  ['Replace([n], , "(?<g>x)", "g", , "abc", )', null],
  ['Replace([n], , "(?<g>b)", "g", , "abc", )', 'b'],
  ['Replace("abc", , "x", , "", , )', 'abc'],
]);

describe('SelectUniqueValue', () => {
  it('skips empty candidates and reports them all', () => {
    const r = result('SelectUniqueValue([n], Join(".", "a", [s]), "b")', input);
    expect(r).toEqual({ value: 'a.Hello World', uniqueCandidates: ['a.Hello World', 'b'] });
  });
});

rows('Split', [
  ['Split([n], ",")', null],
  ['Split([s], "")', ['Hello World']],
  ['Split([s], [n])', ['Hello World']],
  ['Split("a--b--c", "--")', ['a', 'b', 'c']],
  ['Split("a,,b", ",")', ['a', '', 'b']],
  ['Split([mv], "n")', ['o', 'e', 'two', 'o', 'e']],
]);

describe('StringFromSid', () => {
  const sid = Buffer.alloc(8 + 5 * 4);
  sid[0] = 1;
  sid[1] = 5;
  sid[7] = 5; // authority 5 (NT), big-endian in 6 bytes
  [21, 1, 2, 3, 500].forEach((v, i) => sid.writeUInt32LE(v, 8 + i * 4));
  it.each([
    ['StringFromSid([sid])', { sid: sid.toString('base64') }, 'S-1-5-21-1-2-3-500'],
    ['StringFromSid([sid])', { sid: new Uint8Array(sid) }, 'S-1-5-21-1-2-3-500'],
    ['StringFromSid([sid])', { sid: 's-1-5-32-544' }, 'S-1-5-32-544'],
    ['StringFromSid([sid])', { sid: null }, null],
  ])('%s with %j', (expression, inp, expected) => {
    expect(ev(expression, inp)).toBe(expected);
  });
});

rows('StripSpaces / Trim', [
  ['StripSpaces("  a b  c ")', 'abc'],
  ['StripSpaces("a\tb")', 'a\tb'],
  ['StripSpaces([n])', null],
  ['Trim([sp])', 'padded'],
  ['Trim([n])', null],
  ['Trim("\u00a0x\u3000")', 'x'],
  ['Trim("\ufeffx")', '\ufeffx'],
  ['Trim(Split(" a , b ", ","))', ['a', 'b']],
]);

rows('Switch', [
  ['Switch("abc", "d", "ABC", "x")', 'd'],
  ['Switch([num], "d", "42", "yes")', 'yes'],
  ['Switch([t], "d", "True", "yes")', 'yes'],
  ['Switch([mv1], "d", "only", "yes")', 'yes'],
  ['Switch([n], "d", "x", "y")', 'd'],
  ['Switch([n], , "x", "y")', null],
  ['Switch("b", "d", "a", Error("not evaluated"), "b", "hit")', 'hit'],
  ['Switch("z", "d")', 'd'],
]);

rows('ToLower / ToUpper', [
  ['ToLower([s])', 'hello world'],
  ['ToUpper([s])', 'HELLO WORLD'],
  ['ToUpper("i", "tr-TR")', 'İ'],
  ['ToLower("I", "tr-TR")', 'ı'],
  ['ToLower("I", "en-US")', 'i'],
  ['ToLower([n])', null],
  ['ToUpper([mv])', ['ONE', 'TWO', 'ONE']],
  ['ToLower([s], [n])', 'hello world'],
]);

rows('Word', [
  ['Word([s], 2, " ")', 'World'],
  ['Word([s], 0, " ")', ''],
  ['Word([s], 5, " ")', ''],
  ['Word([n], 1, " ")', ''],
  ['Word("a,,b", 2, ",")', 'b'],
  ['Word("abc", 1, ",")', 'abc'],
  ['Word([dn], 2, ",")', ' John'],
  ['Word([mv], 1, "n")', ['o', 'two', 'o']],
]);

rows('DNComponent', [
  ['DNComponent([dn], 1)', 'Doe, John'],
  ['DNComponent([dn], 2)', 'Users'],
  ['DNComponent([dn], 4)', 'com'],
  ['DNComponent([dn], 5)', null],
  ['DNComponent([dn], 0)', null],
  ['DNComponent("CN=A\\\\2Cb,DC=x", 1)', 'A,b'],
  ['DNComponent([n], 1)', null],
]);

rows('Error / Redact', [
  ['Error("Stop here")', { error: /^Stop here/ }],
  ['Redact([s])', 'Hello World'],
]);

describe('coverage of the function table', () => {
  it('every function of spec §8 (and Right, Contains, CRef) is implemented', () => {
    const spec = [
      'Append', 'BitAnd', 'CBool', 'CDate', 'Coalesce', 'ConvertFromBase64', 'ConvertToBase64', 'ConvertToUTF8Hex', 'Count', 'CStr', 'DateAdd',
      'DateDiff', 'DateFromNum', 'DNComponent', 'Error', 'FormatDateTime', 'Guid', 'IgnoreFlowIfNullOrEmpty', 'IIF', 'InStr', 'IsNull',
      'IsNullOrEmpty', 'IsPresent', 'IsString', 'Item', 'Join', 'Left', 'Mid', 'NormalizeDiacritics', 'Not', 'Now', 'NumFromDate', 'PCase',
      'RandomString', 'Redact', 'RemoveDuplicates', 'Replace', 'Right', 'SelectUniqueValue', 'Split', 'StringFromSid', 'StripSpaces', 'Switch',
      'ToLower', 'ToUpper', 'Trim', 'Word', 'Contains', 'CRef',
    ];
    expect(functionNames().slice().sort()).toEqual(spec.slice().sort());
  });
});
