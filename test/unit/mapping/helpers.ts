import { evaluateExpression, type EvaluateExpressionOptions, type ExpressionResult } from '../../../src/mapping';

/** Evaluate and return the exported value (string, string[] or null). */
export function ev(expression: string, input: Record<string, unknown> = {}, options: EvaluateExpressionOptions = {}): ExpressionResult['value'] {
  return evaluateExpression(expression, input, options).value;
}

export function result(expression: string, input: Record<string, unknown> = {}, options: EvaluateExpressionOptions = {}): ExpressionResult {
  return evaluateExpression(expression, input, options);
}

/** The error an evaluation throws (fails the test when none is thrown). */
export function errorOf(expression: string, input: Record<string, unknown> = {}, options: EvaluateExpressionOptions = {}): any {
  try {
    evaluateExpression(expression, input, options);
  } catch (err) {
    return err;
  }
  throw new Error(`expected ${expression} to throw`);
}

/** FILETIME (100-ns ticks since 1601-01-01 UTC), computed from the day count rather than the code under test. */
export function fileTime(isoUtc: string): string {
  const ms = BigInt(Date.parse(isoUtc));
  const daysFrom1601To1970 = 134774n;
  return ((ms + daysFrom1601To1970 * 86_400_000n) * 10_000n).toString();
}
