/**
 * Every example of Microsoft's two function references (app-provisioning functions-for-customizing-application-data.md
 * and cloud-sync reference-expressions.md) plus the group-provisioning samples (default mappings, OU routing, GroupDN
 * recipe), with the documented input and output. Where the documented output cannot follow from the documented
 * input, the test says so and asserts what the function actually does.
 */
import { describe, expect, it } from 'vitest';
import { ev, errorOf, fileTime, result } from './helpers';

type Row = [expression: string, input: Record<string, unknown>, expected: string | string[] | null];

const table = (rows: Row[]) =>
  it.each(rows)('%s with %j', (expression, input, expected) => {
    expect(ev(expression, input)).toEqual(expected);
  });

describe('app-provisioning reference: per-function examples', () => {
  describe('Append', () => table([[String.raw`Append([userPrincipalName], ".test")`, { userPrincipalName: 'John.Doe@contoso.com' }, 'John.Doe@contoso.com.test']]));

  describe('BitAnd', () => table([[String.raw`BitAnd(&HF, &HF7)`, {}, '7']]));

  describe('CBool', () =>
    table([
      [String.raw`CBool([attribute1] = [attribute2])`, { attribute1: 'x', attribute2: 'x' }, 'True'],
      [String.raw`CBool([attribute1] = [attribute2])`, { attribute1: 'x', attribute2: 'y' }, 'False'],
      [String.raw`CBool([attrib1] = [attrib2])`, { attrib1: 'same', attrib2: 'same' }, 'True'],
    ]));

  describe('CDate', () =>
    table([
      [String.raw`CDate([StatusHireDate])`, { StatusHireDate: '2020-03-16-07:00' }, '3/16/2020 7:00:00 AM'],
      [String.raw`CDate("2021-06-30+08:00")`, {}, '6/29/2021 4:00:00 PM'],
      [String.raw`CDate("2009-06-15T01:45:30-07:00")`, {}, '6/15/2009 8:45:30 AM'],
    ]));

  describe('Coalesce', () => table([[String.raw`Coalesce([mail],[userPrincipalName])`, { mail: null, userPrincipalName: 'John.Doe@contoso.com' }, 'John.Doe@contoso.com']]));

  describe('ConvertToBase64', () => table([[String.raw`ConvertToBase64("Hello world!")`, {}, 'SABlAGwAbABvACAAdwBvAHIAbABkACEA']]));

  describe('ConvertToUTF8Hex', () => table([[String.raw`ConvertToUTF8Hex("Hello world!")`, {}, '48656C6C6F20776F726C6421']]));

  describe('CStr', () => table([[String.raw`CStr([dn])`, { dn: 'cn=Joe,dc=contoso,dc=com' }, 'cn=Joe,dc=contoso,dc=com']]));

  describe('DateAdd (Workday hire date table)', () =>
    table([
      [String.raw`DateAdd("d", 7, CDate([StatusHireDate]))`, { StatusHireDate: '2012-03-16-07:00' }, '3/23/2012 7:00:00 AM'],
      [String.raw`DateAdd("d", -10, CDate([StatusHireDate]))`, { StatusHireDate: '2012-03-16-07:00' }, '3/6/2012 7:00:00 AM'],
      [String.raw`DateAdd("ww", 2, CDate([StatusHireDate]))`, { StatusHireDate: '2012-03-16-07:00' }, '3/30/2012 7:00:00 AM'],
      [String.raw`DateAdd("m", 10, CDate([StatusHireDate]))`, { StatusHireDate: '2012-03-16-07:00' }, '1/16/2013 7:00:00 AM'],
      [String.raw`DateAdd("yyyy", 2, CDate([StatusHireDate]))`, { StatusHireDate: '2012-03-16-07:00' }, '3/16/2014 7:00:00 AM'],
    ]));

  describe('DateDiff (documented table)', () => {
    const rows: Array<[string, string, string, string]> = [
      ['d', '2021-08-18+08:00', '2021-08-31+08:00', '13'],
      ['d', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', '-3449'],
      ['ww', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', '-493'],
      ['m', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', '-113'],
      ['yyyy', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', '-9'],
      ['d', '2021-08-31+08:00', '2021-08-31+08:00', '0'],
      ['h', '2021-08-24', '2021-08-25', '24'],
      ['n', '2021-08-24', '2021-08-25', '1440'],
      ['s', '2021-08-24', '2021-08-25', '86400'],
    ];
    it.each(rows)('DateDiff("%s", %s, %s) = %s', (interval, d1, d2, expected) => {
      expect(ev(`DateDiff("${interval}", CDate([date1]), CDate([date2]))`, { date1: d1, date2: d2 })).toBe(expected);
    });
    it('the documented form DateDiff("d", Now(), CDate([StatusHireDate])) with Now() pinned', () => {
      const now = () => new Date(Date.UTC(2021, 7, 25, 17, 41, 18));
      expect(ev(String.raw`DateDiff("d", Now(), CDate([StatusHireDate]))`, { StatusHireDate: '2012-03-16-07:00' }, { now })).toBe('-3449');
    });
    it('Example 2: Switch([Active], , "1", IIF(DateDiff(…) > 5, "False", "True"), "0", "False")', () => {
      const expr = String.raw`Switch([Active], , 
  "1", IIF(DateDiff("d", Now(), CDate([StatusHireDate])) > 5, "False", "True"), 
  "0", "False")`;
      const now = () => new Date(Date.UTC(2021, 7, 25, 12, 0, 0));
      expect(ev(expr, { Active: '1', StatusHireDate: '2021-09-10' }, { now })).toBe('False'); // 15 days away
      expect(ev(expr, { Active: '1', StatusHireDate: '2021-08-28' }, { now })).toBe('True'); // 2 days away
      expect(ev(expr, { Active: '0', StatusHireDate: '2021-08-28' }, { now })).toBe('False');
      expect(ev(expr, { Active: '2', StatusHireDate: '2021-08-28' }, { now })).toBeNull(); // empty default
    });
  });

  describe('DateFromNum', () =>
    table([
      [String.raw`DateFromNum(129699324000000000)`, {}, '1/1/2012 11:00:00 PM'],
      [String.raw`DateFromNum([lastLogonTimestamp])`, { lastLogonTimestamp: '129699324000000000' }, '1/1/2012 11:00:00 PM'],
    ]));

  describe('FormatDateTime', () =>
    table([
      [String.raw`FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")`, { extensionAttribute1: '20150123105347.1Z' }, '2015-01-23'],
      // cloud-sync reference: the 3-argument form
      [String.raw`FormatDateTime([extensionAttribute1], "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")`, { extensionAttribute1: '20150123105347.1Z' }, '2015-01-23'],
    ]));

  describe('Guid', () => {
    it('Guid() returns the injected GUID (sample "00aa00aa-bb11-cc22-dd33-44ee44ee44ee")', () => {
      expect(ev('Guid()', {}, { guid: () => '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' })).toBe('00aa00aa-bb11-cc22-dd33-44ee44ee44ee');
    });
    it('Guid() by default is a random version-4 GUID', () => {
      const a = ev('Guid()');
      expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ev('Guid()')).not.toBe(a);
    });
  });

  describe('IgnoreFlowIfNullOrEmpty', () => {
    it('Example 1: IgnoreFlowIfNullOrEmpty([department]) drops a null or empty department', () => {
      expect(result(String.raw`IgnoreFlowIfNullOrEmpty([department])`, { department: null })).toEqual({ value: null, dropped: true });
      expect(result(String.raw`IgnoreFlowIfNullOrEmpty([department])`, { department: '' })).toEqual({ value: null, dropped: true });
      expect(result(String.raw`IgnoreFlowIfNullOrEmpty([department])`, { department: 'Sales' })).toEqual({ value: 'Sales' });
    });
    it('Example 2: a Switch without a matching prefix is dropped', () => {
      const expr = String.raw`IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))`;
      expect(result(expr, { prefix: '3444' })).toEqual({ value: 'Prof.' });
      expect(result(expr, { prefix: '3445' })).toEqual({ value: 'Prof. Dr.' });
      expect(result(expr, { prefix: '9999' })).toEqual({ value: null, dropped: true });
    });
  });

  describe('IIF', () =>
    table([
      [String.raw`IIF([country]="USA",[country],[department])`, { country: 'USA', department: 'Sales' }, 'USA'],
      [String.raw`IIF([country]="USA",[country],[department])`, { country: 'NZ', department: 'Sales' }, 'Sales'],
      // AND through nesting on the true path
      [String.raw`IIF([country]="USA",IIF([state]="CA","True","False"),"False")`, { country: 'USA', state: 'CA' }, 'True'],
      [String.raw`IIF([country]="USA",IIF([state]="CA","True","False"),"False")`, { country: 'USA', state: 'WA' }, 'False'],
      [String.raw`IIF([country]="USA",IIF([state]="CA","True","False"),"False")`, { country: 'MX', state: 'CA' }, 'False'],
      // OR through nesting on the false path
      [String.raw`IIF([country]="USA","True",IIF([state]="CA","True","False"))`, { country: 'MX', state: 'CA' }, 'True'],
      [String.raw`IIF([country]="USA","True",IIF([state]="CA","True","False"))`, { country: 'MX', state: 'WA' }, 'False'],
      // cloud-sync reference
      [String.raw`IIF([employeeType]="Intern","t-" & [alias],[alias])`, { employeeType: 'Intern', alias: 'jdoe' }, 't-jdoe'],
      [String.raw`IIF([employeeType]="Intern","t-" & [alias],[alias])`, { employeeType: 'Employee', alias: 'jdoe' }, 'jdoe'],
    ]));

  describe('IIF "known limitations" (null/empty in the condition) — fixed: they work', () => {
    const exprs = [String.raw`IIF([country]="","Other",[country])`, String.raw`IIF(IsNullOrEmpty([country]),"Other",[country])`, String.raw`IIF(IsPresent([country]),[country],"Other")`, String.raw`Switch([country],[country],"","Other")`];
    it.each(exprs)('%s', (expr) => {
      expect(ev(expr, { country: null })).toBe('Other');
      expect(ev(expr, { country: '' })).toBe('Other');
      expect(ev(expr, { country: 'NZ' })).toBe('NZ');
    });
  });

  describe('InStr', () =>
    table([
      [String.raw`InStr("The quick brown fox","quick")`, {}, '5'],
      [String.raw`InStr("repEated","e",3,vbBinaryCompare)`, {}, '7'],
    ]));

  describe('IsNull / IsNullOrEmpty / IsPresent', () =>
    table([
      [String.raw`IsNull([displayName])`, {}, 'True'],
      [String.raw`IsNull([displayName])`, { displayName: '' }, 'False'],
      [String.raw`IsNullOrEmpty([displayName])`, { displayName: '' }, 'True'],
      [String.raw`IsNullOrEmpty([displayName])`, { displayName: 'x' }, 'False'],
    ]));

  describe('IsPresent example: Switch(IsPresent([directManager]),[directManager], IsPresent([skiplevelManager]),[skiplevelManager], IsPresent([director]),[director])', () => {
    // Switch semantics: source = IsPresent(dm) ("True"/"False"); key1 = IsPresent(slm) → value [slm];
    // key2 = IsPresent(dir) → value [dir]; otherwise the default [directManager].
    const expr = String.raw`Switch(IsPresent([directManager]),[directManager], IsPresent([skiplevelManager]),[skiplevelManager], IsPresent([director]),[director])`;
    it('source True matches the first key that is also True', () => {
      expect(ev(expr, { directManager: 'dm', skiplevelManager: 'slm', director: 'dir' })).toBe('slm');
      expect(ev(expr, { directManager: 'dm', skiplevelManager: null, director: 'dir' })).toBe('dir');
      expect(ev(expr, { directManager: 'dm', skiplevelManager: null, director: null })).toBe('dm');
    });
    it('source False matches the first key that is also False', () => {
      expect(ev(expr, { directManager: null, skiplevelManager: null, director: 'dir' })).toBeNull(); // key1 (slm absent) = False → value [skiplevelManager] = null
      expect(ev(expr, { directManager: null, skiplevelManager: 'slm', director: 'dir' })).toBeNull(); // no key False → default [directManager] = null
    });
  });

  describe('Item', () => {
    table([[String.raw`Item([proxyAddresses], 1)`, { proxyAddresses: ['SMTP:a@contoso.com', 'smtp:b@contoso.com'] }, 'SMTP:a@contoso.com']]);
    it('cloud-sync example Mid(Item([proxyAddresses],Contains([proxyAddresses], "SMTP:")),6) returns the primary address', () => {
      expect(ev(String.raw`Mid(Item([proxyAddresses],Contains([proxyAddresses], "SMTP:")),6)`, { proxyAddresses: ['smtp:alias@contoso.com', 'SMTP:john@contoso.com'] })).toBe('john@contoso.com');
    });
    it('index 0 ("shouldn\'t be used") and out-of-range indexes are errors', () => {
      expect(errorOf(String.raw`Item([proxyAddresses], 0)`, { proxyAddresses: ['a'] }).message).toMatch(/Item \(argument 'index'\): index 0 is out of range \(1 to 1\)/);
      expect(errorOf(String.raw`Item([proxyAddresses], 3)`, { proxyAddresses: ['a', 'b'] }).argument).toBe('index');
    });
  });

  describe('Left', () => table([[String.raw`Left("John Doe", 3)`, {}, 'Joh']]));

  describe('NormalizeDiacritics', () => {
    table([[String.raw`NormalizeDiacritics([givenName])`, { givenName: 'Zoë' }, 'Zoe']]);
    // Rows of Microsoft's table (first and last of each cell, upper and lower case).
    const rows: Array<[string, string]> = [
      ['äàâãåáąăā', 'aaaaaaaaa'],
      ['ÄÀÂÃÅÁĄĂĀ', 'AAAAAAAAA'],
      ['ǟǡ', 'aa'],
      ['æǣ', 'aeae'],
      ['ÆǢ', 'AEAE'],
      ['çčć', 'ccc'],
      ['ďḏ', 'dd'],
      ['ëèéêęěėēḗḕ', 'eeeeeeeeee'],
      ['ğḡ', 'gg'],
      ['ïîìíıī', 'iiiiii'],
      ['ÏÎÌÍİĪ', 'IIIIII'],
      ['ľłḹḻ', 'llll'],
      ['ŁĽ', 'LL'],
      ['ñńňṉ', 'nnnn'],
      ['öòőõôóōṓṑȫǭȭȱ', 'ooooooooooooo'],
      ['øœ̄', 'oeoe'],
      ['ØŒ̄', 'OEOE'],
      ['řṟṝ', 'rrr'],
      ['ß', 'ss'],
      ['šśșş', 'ssss'],
      ['ŠŚȘŞ', 'SSSS'],
      ['ťțṯ', 'ttt'],
      ['üùûúůűūǖṻ', 'uuuuuuuuu'],
      ['ÿýȳ', 'yyy'],
      ['źžżẕ', 'zzzz'],
      ['ŹŽŻẔ', 'ZZZZ'],
    ];
    it.each(rows)('%s → %s', (input, expected) => {
      expect(ev('NormalizeDiacritics([x])', { x: input })).toBe(expected);
    });
  });

  describe('Not', () =>
    table([
      [String.raw`Not([accountEnabled])`, { accountEnabled: true }, 'False'],
      [String.raw`Not([accountEnabled])`, { accountEnabled: 'False' }, 'True'],
      [String.raw`Not("anything else")`, {}, 'True'],
    ]));

  describe('Now', () => {
    it('Now() prints M/d/yyyy h:mm:ss tt in UTC (sample 7/2/2021 3:33:38 PM)', () => {
      expect(ev('Now()', {}, { now: () => new Date(Date.UTC(2021, 6, 2, 15, 33, 38)) })).toBe('7/2/2021 3:33:38 PM');
    });
    it('Now() without a hook is the current time', () => {
      const before = Date.now();
      const v = ev('Now()') as string;
      const m = /^(\d+)\/(\d+)\/(\d{4}) (\d+):(\d\d):(\d\d) (AM|PM)$/.exec(v)!;
      expect(m).not.toBeNull();
      const h = (Number(m[4]) % 12) + (m[7] === 'PM' ? 12 : 0);
      const t = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), h, Number(m[5]), Number(m[6]));
      expect(Math.abs(t - before)).toBeLessThan(5 * 60_000);
    });
  });

  describe('NumFromDate', () => {
    it('Workday example: ContractEndDate 2020-12-31-08:00 → end of that day in -08:00', () => {
      const expr = String.raw`NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))`;
      expect(ev(expr, { ContractEndDate: '2020-12-31-08:00' })).toBe(fileTime('2021-01-01T07:59:59Z'));
    });
    it('SuccessFactors example: endDate in M/d/yyyy hh:mm:ss tt', () => {
      const expr = String.raw`NumFromDate(Join("",FormatDateTime([endDate], ,"M/d/yyyy hh:mm:ss tt","yyyy-MM-dd")," 23:59:59-08:00"))`;
      expect(ev(expr, { endDate: '6/30/2023 12:00:00 AM' })).toBe(fileTime('2023-07-01T07:59:59Z'));
    });
  });

  describe('PCase', () =>
    table([
      [String.raw`PCase([firstName])`, { firstName: 'PABLO GONSALVES (SECOND)' }, 'Pablo Gonsalves (Second)'],
      [String.raw`PCase([lastName]," '-")`, { lastName: "PINTO-DE'SILVA" }, "Pinto-De'Silva"],
      [String.raw`PCase(Join(" ",[firstName],[lastName]))`, { firstName: 'GREGORY', lastName: 'JAMES' }, 'Gregory James'],
    ]));

  describe('RandomString', () => {
    const count = (s: string, re: RegExp) => [...s].filter((c) => re.test(c)).length;
    it('Example 1: RandomString(6,3,0,0,3) has 3 digits and 3 lower-case letters', () => {
      for (let i = 0; i < 20; i++) {
        const s = ev('RandomString(6,3,0,0,3)') as string;
        expect(s).toHaveLength(6);
        expect(count(s, /[0-9]/)).toBeGreaterThanOrEqual(3);
        expect(count(s, /[a-z]/)).toBeGreaterThanOrEqual(3);
      }
    });
    it('Example 2: RandomString(10,2,2,2,1,"?,") meets the minimums and avoids ? and ,', () => {
      for (let i = 0; i < 20; i++) {
        const s = ev('RandomString(10,2,2,2,1,"?,")') as string;
        expect(s).toHaveLength(10);
        expect(count(s, /[0-9]/)).toBeGreaterThanOrEqual(2);
        expect(count(s, /[A-Z]/)).toBeGreaterThanOrEqual(2);
        expect(count(s, /[a-z]/)).toBeGreaterThanOrEqual(1);
        expect(count(s, /[^0-9A-Za-z]/)).toBeGreaterThanOrEqual(2);
        expect(s).not.toMatch(/[?,]/);
      }
    });
    it('is reproducible with an injected random source', () => {
      let seed = 1;
      const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
      const a = ev('RandomString(12,3,3,3,3)', {}, { random: rnd });
      seed = 1;
      expect(ev('RandomString(12,3,3,3,3)', {}, { random: rnd })).toBe(a);
    });
  });

  describe('Redact', () => {
    it('Redact([userPrincipalName]) keeps the value and flags it for the log', () => {
      expect(result(String.raw`Redact([userPrincipalName])`, { userPrincipalName: 'a@b.c' })).toEqual({ value: 'a@b.c', redacted: true });
      expect(result(String.raw`Redact("StringToBeRedacted")`)).toEqual({ value: 'StringToBeRedacted', redacted: true });
      const r = result(String.raw`Redact(RandomString(6,3,0,0,3))`);
      expect(r.redacted).toBe(true);
      expect(r.value).toHaveLength(6);
    });
  });

  describe('RemoveDuplicates', () =>
    table([[String.raw`RemoveDuplicates([proxyAddresses])`, { proxyAddresses: ['SMTP:a@x', 'smtp:b@x', 'SMTP:a@x', 'smtp:b@x', 'smtp:A@x'] }, ['SMTP:a@x', 'smtp:b@x', 'smtp:A@x']]]));

  describe('Replace', () => {
    table([
      [String.raw`Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )`, { BusinessTitle: 'Product Developer' }, 'Software Engineer'],
      [String.raw`Replace([UserID],"<username>", , , , , "<username>@contoso.com")`, { UserID: 'jsmith' }, 'jsmith@contoso.com'],
      [String.raw`Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", , "${'${phoneNumber}'}", , )`, { telephoneNumber: '+91 9998887777' }, '9998887777'],
      [String.raw`Replace([AddressLineData], ,"(?<streetNumber>^\\d*)","streetNumber", "888", , )`, { AddressLineData: '545 Tremont Street' }, '888 Tremont Street'],
      [String.raw`Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )`, { userPrincipalName: 'jsmith@contoso.com' }, 'jsmith'],
      [String.raw`Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", "phoneNumber" , , [mobile], )`, { telephoneNumber: '', mobile: '+91 8887779999' }, '8887779999'],
      [String.raw`Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", "phoneNumber" , , [mobile], )`, { telephoneNumber: '+1 555', mobile: '+91 8887779999' }, '+1 555'],
      [String.raw`Replace([mailNickname], , "[a-zA-Z_]*", , "", , )`, { mailNickname: 'john_doe72' }, '72'],
    ]);
    it('Example 3b: "[()\\\\s-]+" on "+1 (999) 888-7777": the doc prints 19998887777, but the pattern keeps the "+"', () => {
      expect(ev(String.raw`Replace([mobile], , "[()\\s-]+", , "", , )`, { mobile: '+1 (999) 888-7777' })).toBe('+19998887777');
    });
  });

  describe('SelectUniqueValue (UPN example)', () => {
    const expr = String.raw`SelectUniqueValue( 
        Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"), 
        Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 1), [PreferredLastName]))), "contoso.com"),
        Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 2), [PreferredLastName]))), "contoso.com")
    )`;
    const input = { PreferredFirstName: 'John', PreferredLastName: 'Smith' };
    it.each([
      [[], 'John.Smith@contoso.com'],
      [['John.Smith@contoso.com'], 'J.Smith@contoso.com'],
      [['John.Smith@contoso.com', 'J.Smith@contoso.com'], 'Jo.Smith@contoso.com'],
    ])('taken %j → %s', (taken, expected) => {
      const r = result(expr, input, { isUnique: (v) => !(taken as string[]).includes(v) });
      expect(r.value).toBe(expected);
      expect(r.uniqueCandidates).toEqual(['John.Smith@contoso.com', 'J.Smith@contoso.com', 'Jo.Smith@contoso.com']);
    });
    it('all taken is an error naming the candidates', () => {
      expect(errorOf(expr, input, { isUnique: () => false }).message).toMatch(/SelectUniqueValue: every candidate value is already taken \("John.Smith@contoso.com", "J.Smith@contoso.com", "Jo.Smith@contoso.com"\)/);
    });
  });

  describe('Split', () => {
    it('Split([extensionAttribute5], ",") — the doc shows "PermissionSetTwo" without its leading space; splitting keeps it', () => {
      expect(ev(String.raw`Split([extensionAttribute5], ",")`, { extensionAttribute5: 'PermissionSetOne, PermissionSetTwo' })).toEqual(['PermissionSetOne', ' PermissionSetTwo']);
      expect(ev(String.raw`Trim(Split([extensionAttribute5], ","))`, { extensionAttribute5: 'PermissionSetOne, PermissionSetTwo' })).toEqual(['PermissionSetOne', 'PermissionSetTwo']);
    });
  });

  describe('Switch', () => {
    table([
      [String.raw`Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")`, { state: 'QLD' }, 'Australia/Brisbane'],
      [String.raw`Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")`, { state: 'WA' }, 'Australia/Sydney'],
      [String.raw`Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")`, { statusFlag: 'TRUE' }, '1'],
      [String.raw`Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")`, { statusFlag: 'False' }, '0'],
      [String.raw`Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")`, { statusFlag: 'maybe' }, '0'],
      [String.raw`Switch([statusFlag], "Default Value", "true", "1", "", "0")`, { statusFlag: '' }, '0'],
      [String.raw`Switch([statusFlag], "Default Value", "true", "1", "", "0")`, { statusFlag: null }, '0'],
      [String.raw`Switch([statusFlag], "Default Value", "true", "1", "", "0")`, { statusFlag: 'other' }, 'Default Value'],
    ]);
    it.each([['Company A', 'A'], ['Company B', 'B'], ['Company C', 'External'], [null, 'External']])(
      'switch([companyName], …) and its documented IIF replacement agree for %s (no null bug here)',
      (companyName, expected) => {
        expect(ev(String.raw`switch([companyName], "External", "Company A", "A", "Company B", "B")`, { companyName })).toBe(expected);
        expect(ev(String.raw`IIF([companyName] = "Company A", "A", IIF([companyName] = "Company B", "B", "External"))`, { companyName })).toBe(expected);
      },
    );
  });

  describe('ToLower / ToUpper', () =>
    table([
      [String.raw`ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))`, { PreferredFirstName: 'John', PreferredLastName: 'Smith' }, 'john.smith@contoso.com'],
      [String.raw`ToUpper([x])`, { x: 'straße' }, 'STRASSE'],
    ]));

  describe('Word', () =>
    table([
      [String.raw`Word("The quick brown fox",3," ")`, {}, 'brown'],
      [String.raw`Word("This,string!has&many separators",3,",!&#")`, {}, 'has'],
    ]));

  describe('"Examples" section', () => {
    table([
      [String.raw`Replace([mail], "@contoso.com", , ,"", ,)`, { mail: 'john.doe@contoso.com' }, 'john.doe'],
      [String.raw`Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))`, { givenName: 'John', surname: 'Doe' }, 'JohDoe'],
      [String.raw`Join(", ", "", [surname], [givenName])`, { givenName: 'John', surname: 'Doe' }, 'Doe, John'],
    ]);
    it('Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , )) — the doc output comes from another objectId; computed here', () => {
      const objectId = '00aa00aa-bb11-cc22-dd33-44ee44ee44ee';
      const hex = [...Buffer.from(objectId, 'utf8')].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
      expect(ev(String.raw`Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , ))`, { objectId })).toBe('1000' + hex.replace(/[A-F]/g, ''));
    });
  });
});

describe('cloud-sync reference: functions only it documents', () => {
  table([
    [String.raw`ConvertFromBase64("SABlAGwAbABvACAAdwBvAHIAbABkACEA")`, {}, 'Hello world!'],
    [String.raw`ConvertFromBase64("SGVsbG8gd29ybGQh", UTF8)`, {}, 'Hello world!'],
    [String.raw`DNComponent(CRef([dn]),1)`, { dn: 'cn=Joe,ou=Sales,dc=contoso,dc=com' }, 'Joe'],
    [String.raw`Trim(" Test ")`, {}, 'Test'],
    [String.raw`Trim([proxyAddresses])`, { proxyAddresses: [' smtp:a@x ', 'SMTP:b@x  '] }, ['smtp:a@x', 'SMTP:b@x']],
  ]);
  it('Error: IIF(IsPresent([accountName]),[accountName],Error("AccountName is required"))', () => {
    const expr = String.raw`IIF(IsPresent([accountName]),[accountName],Error("AccountName is required"))`;
    expect(ev(expr, { accountName: 'jdoe' })).toBe('jdoe');
    const err = errorOf(expr, { accountName: null });
    expect(err.code).toBe('ExpressionCustomError');
    expect(err.message).toMatch(/^AccountName is required/);
  });
});

describe('group provisioning samples (Cloud Sync Entra → AD)', () => {
  const objectId = '0f8ad6f1-3c5e-4a53-b8c2-e9305786a271';
  table([
    // default mappings (spec §4)
    [String.raw`Append(Append(Left(Trim([displayName]),51),"_"),Mid([objectId],25,12))`, { displayName: 'Sales', objectId }, 'Sales_e9305786a271'],
    [String.raw`Left(Trim([description]),448)`, { description: '  Sales team  ' }, 'Sales team'],
    [String.raw`Append("Group_",[objectId])`, { objectId }, `Group_${objectId}`],
    // Connect-style cn; sAMAccountName example
    [String.raw`Append("Group_", [objectId])`, { objectId }, `Group_${objectId}`],
    [String.raw`Join("_", [displayName], "Contoso_Group")`, { displayName: 'Marketing' }, 'Marketing_Contoso_Group'],
    // OU routing by display name (spec §3)
    [String.raw`Switch([displayName],"OU=Default,OU=container,DC=contoso,DC=com","Marketing","OU=Marketing,OU=container,DC=contoso,DC=com","Sales","OU=Sales,OU=container,DC=contoso,DC=com")`, { displayName: 'Sales' }, 'OU=Sales,OU=container,DC=contoso,DC=com'],
    [String.raw`Switch([displayName],"OU=Default,OU=container,DC=contoso,DC=com","Marketing","OU=Marketing,OU=container,DC=contoso,DC=com","Sales","OU=Sales,OU=container,DC=contoso,DC=com")`, { displayName: 'HR' }, 'OU=Default,OU=container,DC=contoso,DC=com'],
    // extensionAttribute13 alternative
    [String.raw`IIF(IsNullOrEmpty([extensionAttribute13]), "OU=Groups,DC=contoso,DC=com", [extensionAttribute13])`, { onPremisesExtensionAttributes: { extensionAttribute13: 'OU=Apps,DC=contoso,DC=com' } }, 'OU=Apps,DC=contoso,DC=com'],
    [String.raw`IIF(IsNullOrEmpty([extensionAttribute13]), "OU=Groups,DC=contoso,DC=com", [extensionAttribute13])`, {}, 'OU=Groups,DC=contoso,DC=com'],
  ]);

  const ext = 'extension_0123456789abcdef0123456789abcdef_GroupDN';
  const parent2026 = String.raw`IIF(
    IsPresent([extension_<AppIdWithoutHyphens>_GroupDN]),
    Replace(
        Mid(
            Mid(
                Replace([extension_<AppIdWithoutHyphens>_GroupDN], "\,", , , "\2C", , ),
                Instr(Replace([extension_<AppIdWithoutHyphens>_GroupDN], "\,", , , "\2C", , ), ",", , ),
                9999
            ),
            2,
            9999
        ),
        "\2C", , , ",", ,
    ),
    "<Default ParentDistinguishedName>"
)`
    .replaceAll('extension_<AppIdWithoutHyphens>_GroupDN', ext)
    .replace('<Default ParentDistinguishedName>', 'OU=Groups,DC=contoso,DC=com');
  const cn2026 = String.raw`IIF(
    IsPresent([extension_<AppIdWithoutHyphens>_GroupDN]),
    Replace(
        Replace(
            Replace(
                Word(Replace([extension_<AppIdWithoutHyphens>_GroupDN], "\,", , , "\2C", , ), 1, ","),
                "CN=", , , "", ,
            ),
            "cn=", , , "", ,
        ),
        "\2C", , , ",", ,
    ),
    Append(Append(Left(Trim([displayName]), 51), "_"), Mid([objectId], 25, 12))
)`.replaceAll('extension_<AppIdWithoutHyphens>_GroupDN', ext);
  // The 2025 include writes the same expressions with "\\," and "\\2C" and [DisplayName]/[ObjectId].
  const cn2025 = String.raw`IIF(IsNullOrEmpty([extension_..._GroupDN]), Append(Append(Left(Trim([DisplayName]), 51), "_"), Mid([ObjectId], 25, 12)), Replace(Replace(Replace(Word(Replace([extension_..._GroupDN], "\\,", , , "\\2C", , ), 1, ","), "CN=", , , "", , ), "cn=", , , "", , ), "\\2C", , , ",", , ))`.replaceAll('extension_..._GroupDN', ext);
  const parent2025 = String.raw`IIF(IsNullOrEmpty([extension_..._GroupDN]), "OU=test1,DC=utkarshVm,DC=nttest,DC=microsoft,DC=com", Replace(Mid(Mid(Replace([extension_..._GroupDN], "\\,", , , "\\2C", , ), Instr(Replace([extension_..._GroupDN], "\\,", , , "\\2C", , ), ",", , ), 9999), 2, 9999), "\\2C", , , ",", , ))`.replaceAll('extension_..._GroupDN', ext);

  const dn = String.raw`CN=Sales\, EMEA,OU=Groups,OU=Corp,DC=contoso,DC=com`;
  it('GroupDN recipe (2026, "\\," form): parent and cn from the stored DN, escaped comma included', () => {
    expect(ev(parent2026, { [ext]: dn })).toBe('OU=Groups,OU=Corp,DC=contoso,DC=com');
    expect(ev(cn2026, { [ext]: dn, displayName: 'x', objectId })).toBe('Sales, EMEA');
    expect(ev(cn2026, { [ext]: 'cn=Plain,OU=Groups,DC=contoso,DC=com', displayName: 'x', objectId })).toBe('Plain');
  });
  it('GroupDN recipe: fallbacks when the extension is empty', () => {
    expect(ev(parent2026, {})).toBe('OU=Groups,DC=contoso,DC=com');
    expect(ev(cn2026, { displayName: ' Sales ', objectId })).toBe('Sales_e9305786a271');
  });
  it('GroupDN recipe (2025, "\\\\," form, [DisplayName]/[ObjectId]) gives the same results', () => {
    expect(ev(parent2025, { [ext]: dn })).toBe('OU=Groups,OU=Corp,DC=contoso,DC=com');
    expect(ev(cn2025, { [ext]: dn, displayName: 'x', objectId })).toBe('Sales, EMEA');
    expect(ev(parent2025, {})).toBe('OU=test1,DC=utkarshVm,DC=nttest,DC=microsoft,DC=com');
    expect(ev(cn2025, { displayName: 'Sales', objectId })).toBe('Sales_e9305786a271');
  });

  describe('user mappings of the 2026 docs (for expression test)', () => {
    table([
      [String.raw`IIF(IsNullOrEmpty([onPremisesDistinguishedName]), "OU=Cloud_Users,DC=contoso,DC=com", Replace([onPremisesDistinguishedName], , "^.*?,(?=(?:CN|OU|DC)=)", , "", , ))`, { onPremisesDistinguishedName: 'CN=Cloud User,OU=Cloud_Users,DC=contoso,DC=com' }, 'OU=Cloud_Users,DC=contoso,DC=com'],
      [String.raw`IIF(IsNullOrEmpty([onPremisesDistinguishedName]), "OU=Cloud_Users,DC=contoso,DC=com", Replace([onPremisesDistinguishedName], , "^.*?,(?=(?:CN|OU|DC)=)", , "", , ))`, {}, 'OU=Cloud_Users,DC=contoso,DC=com'],
      [String.raw`Left(Item(Split([userPrincipalName], "@"), 1), 15)`, { userPrincipalName: 'christopher.columbus@contoso.com' }, 'christopher.col'],
      [String.raw`IgnoreFlowIfNullOrEmpty(Trim([country]))`, { country: ' NZ ' }, 'NZ'],
    ]);
    it('%DomainFQDN% macro in the userPrincipalName mapping', () => {
      const expr = String.raw`IIF(IsPresent([onPremisesUserPrincipalName]), [onPremisesUserPrincipalName], Append(Item(Split([userPrincipalName], "@"), 1), Append("@", %DomainFQDN%)))`;
      expect(ev(expr, { userPrincipalName: 'jo@contoso.onmicrosoft.com', onPremisesUserPrincipalName: null }, { macros: { DomainFQDN: 'corp.contoso.com' } })).toBe('jo@corp.contoso.com');
      expect(ev(expr, { userPrincipalName: 'jo@x', onPremisesUserPrincipalName: 'jo@onprem' }, { macros: { DomainFQDN: 'corp.contoso.com' } })).toBe('jo@onprem');
    });
  });
});
