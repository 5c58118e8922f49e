/** Everything that can be checked before any data is seen fails at compile (config-load) time, with its column. */
import { describe, expect, it } from 'vitest';
import { AttributeCatalog, EvaluationError, ParseError, compileExpression } from '../../../src/mapping';
import { errorOf } from './helpers';

function compileErrorOf(text: string, macros?: Record<string, string>): ParseError {
  try {
    compileExpression(text, macros ? { macros } : {});
  } catch (err) {
    if (err instanceof ParseError) return err;
    throw err;
  }
  throw new Error(`expected ${text} not to compile`);
}

describe('compile-time errors (group attributes only)', () => {
  const rows: Array<[text: string, code: string, column: number, message: RegExp, hint?: RegExp]> = [
    ['Foo([displayName])', 'UnknownFunction', 1, /Unknown function 'Foo'/],
    ['Apend("a", "b")', 'UnknownFunction', 1, /Unknown function 'Apend'/, /Did you mean 'Append'/],
    ['Append("x", SingleAppRoleAssignment([displayName]))', 'FunctionNotApplicable', 13, /SingleAppRoleAssignment is not available here/, /app-role/],
    ['[displayNme]', 'UnknownAttribute', 1, /Unknown attribute \[displayNme\]/, /Did you mean 'displayName'/],
    ['Left([department], 3)', 'UnknownAttribute', 6, /Unknown attribute \[department\]/],
    ['Append("Group_", [extension_123_GroupDN])', 'UnknownAttribute', 18, /Unknown attribute/, /extension_<appIdWithoutHyphens>_<name>/],
    ['Left([displayName], 1, 2)', 'WrongArgumentCount', 1, /Left takes 2 arguments but got 3/, /Left\(String, NumChars\)/],
    ['Left([displayName])', 'WrongArgumentCount', 1, /Left takes 2 arguments but got 1/],
    ['Trim()', 'WrongArgumentCount', 1, /Trim takes 1 argument but got 0/],
    ['Join(",")', 'WrongArgumentCount', 1, /Join takes at least 2 arguments but got 1/],
    ['Now(1)', 'WrongArgumentCount', 1, /Now takes 0 arguments but got 1/],
    ['FormatDateTime([createdDateTime], "yyyy")', 'WrongArgumentCount', 1, /FormatDateTime takes 3 to 4 arguments but got 2/],
    ['Replace([displayName], "a", , , "b", , , )', 'WrongArgumentCount', 1, /Replace takes 2 to 7 arguments but got 8/],
    ['Left(, 3)', 'MissingArgument', 6, /Left: argument 1 \('String'\) is required but empty/],
    ['Append("a", )', 'MissingArgument', 13, /argument 2 \('suffix'\) is required/],
    ['IIF(IsPresent([description]), , "x")', 'MissingArgument', 31, /argument 2 \('valueIfTrue'\)/],
    ['Switch([displayName], "d", "k")', 'InvalidExpressionArgument', 1, /even number of arguments; got 3/],
    ['Replace([displayName], "a", "b", , "c", , )', 'InvalidExpressionArgument', 29, /either oldValue or regexPattern/],
    ['Replace([displayName], "a", , , , , )', 'InvalidExpressionArgument', 24, /oldValue needs a replacementValue/],
    ['Replace([displayName], "a", , , "b", , "t")', 'InvalidExpressionArgument', 40, /either replacementValue or template/],
    ['Replace([displayName], , "x", , , [description], )', 'InvalidExpressionArgument', 35, /replacementAttributeName needs regexGroupName/],
    ['Replace([displayName], , "(", , "x", , )', 'InvalidExpressionArgument', 26, /invalid regular expression "\("/],
    ['Replace([displayName], , "(?<a>x)", "b", "y", , )', 'InvalidExpressionArgument', 37, /no group named 'b'/],
    ['Replace([displayName], , "(?>x)", , "y", , )', 'InvalidExpressionArgument', 26, /atomic groups/],
    ['Replace([displayName], , "a(?i)b", , "y", , )', 'InvalidExpressionArgument', 26, /inline options are supported only at the start/],
    ['Replace([displayName])', 'WrongArgumentCount', 1, /Replace takes 2 to 7 arguments but got 1/],
    ['Replace([displayName], , , , , , )', 'InvalidExpressionArgument', 9, /give oldValue .* or regexPattern/],
    ['Append(SelectUniqueValue("a", "b"), "c")', 'InvalidExpressionArgument', 8, /SelectUniqueValue must be the whole expression/],
    ['SelectUniqueValue("a")', 'WrongArgumentCount', 1, /at least 2/],
    ['Left(foo, 1)', 'UnknownName', 6, /Unknown name 'foo'/, /\[foo\].*"foo"/],
    ['Left(Trim, 1)', 'UnknownName', 6, /Unknown name 'Trim'/, /Trim is a function/],
    ['Append("a", %Nope%)', 'UnknownMacro', 13, /Unknown macro %Nope%/],
    ['DateAdd("x", 1, Now())', 'InvalidExpressionArgument', 9, /'x' is not a DateAdd\/DateDiff interval/],
    ['FormatDateTime([createdDateTime], , "yyyy", "\'oops")', 'InvalidExpressionArgument', 45, /Invalid date format "'oops": unterminated quoted text/],
    ['ConvertFromBase64("SGk=", "UTF7")', 'InvalidExpressionArgument', 27, /Unknown encoding 'UTF7'/],
  ];
  it.each(rows)('%s → %s at column %i', (text, code, column, message, hint) => {
    const err = compileErrorOf(text);
    expect(err.code).toBe(code);
    expect(err.category).toBe('ParserError');
    expect(err.column).toBe(column);
    expect(err.message).toMatch(message);
    if (hint) expect(err.hint).toMatch(hint);
  });

  it('known attributes compile: group properties in any case, extensions, extensionAttribute1-15', () => {
    const c = compileExpression('Join(",", [DisplayName], [OBJECTID], [extension_0123456789ABCDEF0123456789abcdef_GroupDN], [extensionAttribute15], [members])');
    expect(c.attributes).toEqual(['displayName', 'objectId', 'extension_0123456789ABCDEF0123456789abcdef_GroupDN', 'extensionAttribute15', 'members']);
  });

  it('a catalog can add attributes (and macros are known only when configured)', () => {
    expect(() => compileExpression('[department]', { attributes: new AttributeCatalog(['department']) })).not.toThrow();
    expect(compileErrorOf('%DomainFQDN%').code).toBe('UnknownMacro');
    expect(() => compileExpression('%domainfqdn%', { macros: { DomainFQDN: 'x' } })).not.toThrow();
  });
});

describe('evaluation errors name the function, the argument and the column', () => {
  const input = { displayName: 'Sales', groupTypes: ['DynamicMembership', 'Unified'], description: null };
  const rows: Array<[text: string, fn: string, argument: string | undefined, column: number, message: RegExp]> = [
    ['Left([displayName], "x")', 'Left', 'NumChars', 1, /Left \(argument 'NumChars'\): expected a whole number but got "x"/],
    ['Append("x", Left([displayName], "y"))', 'Left', 'NumChars', 13, /expected a whole number/],
    ['Mid([displayName], 0, 2)', 'Mid', 'start', 1, /start must be 1 or more/],
    ['Mid([displayName], 1, -2)', 'Mid', 'length', 1, /length must be 0 or more/],
    ['Item([groupTypes], 3)', 'Item', 'index', 1, /index 3 is out of range \(1 to 2\)/],
    ['Item([description], 1)', 'Item', 'index', 1, /the attribute has no values/],
    ['CBool("maybe")', 'CBool', 'Expression', 1, /cannot convert "maybe" to a boolean/],
    ['IIF("maybe", "a", "b")', 'IIF', 'condition', 1, /the condition must be True or False/],
    ['Append("a", [groupTypes])', 'Append', 'suffix', 1, /expected a single value but got 2 values/],
    ['CDate("not a date")', 'CDate', 'expression', 1, /"not a date" is not a date\/time/],
    ['DateAdd([displayName], 1, Now())', 'DateAdd', 'interval', 1, /'Sales' is not an interval/],
    ['InStr([displayName], "a", 0)', 'InStr', 'start', 1, /start must be 1 or more/],
    ['InStr([displayName], "a", 1, "sideways")', 'InStr', 'compareType', 1, /not a comparison/],
    ['ToUpper([displayName], "no such culture!")', 'ToUpper', 'culture', 1, /not a culture name/],
    ['Switch([groupTypes], "d", "a", "b")', 'Switch', 'source', 1, /expected a single value but got 2 values/],
    ['RandomString(300, 0, 0, 0, 0)', 'RandomString', 'Length', 1, /between 1 and 256/],
    ['RandomString(4, 2, 2, 2, 0)', 'RandomString', 'Length', 1, /add up to 6, more than the length 4/],
    ['RandomString(4, 2, 0, 0, 0, "0123456789")', 'RandomString', 'MinimumNumbers', 1, /every character of this class is in CharactersToAvoid/],
    ['ConvertFromBase64("###")', 'ConvertFromBase64', 'source', 1, /is not base64/],
    ['FormatDateTime([displayName], , "yyyy-MM-dd", "yyyy")', 'FormatDateTime', 'source', 1, /"Sales" does not match the input format "yyyy-MM-dd"/],
    ['Replace("x", , [displayName] & "(", , "y", , )', 'Replace', 'regexPattern', 1, /invalid regular expression "Sales\("/],
    ['DateFromNum(-1)', 'DateFromNum', 'value', 1, /is not an AD date/],
    ['StringFromSid("AQI=")', 'StringFromSid', 'ObjectSID', 1, /not a binary security identifier/],
  ];
  it.each(rows)('%s → %s(%s)', (text, fn, argument, column, message) => {
    const err = errorOf(text, input);
    expect(err).toBeInstanceOf(EvaluationError);
    expect(err.category).toBe('InvalidData');
    expect(err.function).toBe(fn);
    expect(err.argument).toBe(argument);
    expect(err.column).toBe(column);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`(at column ${column})`);
  });

  it('operators: & and < on multi-valued values name the operator and its column', () => {
    const concat = errorOf('"a" & [groupTypes]', input);
    expect(concat.function).toBe('&');
    expect(concat.column).toBe(5);
    expect(concat.hint).toMatch(/Join/);
    const lt = errorOf('IIF([groupTypes] < "b", 1, 2)', input);
    expect(lt.function).toBe('<');
    expect(lt.column).toBe(18);
  });

  it('Error() raises the custom message', () => {
    const err = errorOf('Error("Group " & [displayName] & " is not allowed")', input);
    expect(err.code).toBe('ExpressionCustomError');
    expect(err.message).toMatch(/^Group Sales is not allowed/);
  });
});
