/**
 * `expression.test`: evaluate one mapping expression against an input object, like the expression builder of
 * Microsoft's portal. Result: { value } (a string, an array for multi-valued results, or null for no value), plus
 * `dropped: true` when IgnoreFlowIfNullOrEmpty would leave the attribute out of the export.
 */
import { surface } from '../core/surface';
import { UsageError } from '../core/errors';
import { defineOperation } from '../core/operation';
import { evaluateExpression } from '../mapping';

export interface ExpressionTestParams {
  expression: string;
  /** The source attributes: an object, or its JSON text. */
  input?: Record<string, unknown> | string;
  /** Values of %Macro% names, e.g. { DomainFQDN: "contoso.com" }. */
  macros?: Record<string, string>;
  /** Pin Now() (ISO 8601), for reproducible tests of date expressions. */
  now?: string;
}

function parseInput(input: ExpressionTestParams['input']): Record<string, unknown> {
  if (input === undefined || input === null || input === '') return {};
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new UsageError(`The input is not valid JSON: ${(err as Error).message}`, { code: 'InvalidExpressionInput', target: 'input', hint: 'Pass a JSON object of attributes, e.g. {"displayName": "Sales", "objectId": "…"}.' });
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('The input must be a JSON object of attribute names and values.', { code: 'InvalidExpressionInput', target: 'input', hint: 'Example: {"displayName": "Sales", "groupTypes": []}.' });
  }
  return value as Record<string, unknown>;
}

export const expressionTestOp = defineOperation<ExpressionTestParams>({
  name: 'expression.test',
  summary: 'Evaluate a mapping expression against sample attribute values.',
  output: 'single',
  async run(params, { sink }) {
    if (typeof params.expression !== 'string' || params.expression.trim() === '') {
      throw new UsageError('No expression given.', { code: 'MissingExpression', target: 'expression', hint: surface() === 'powershell' ? `Pass -Expression 'Append("Group_",[objectId])'.` : `Pass --expression 'Append("Group_",[objectId])'.` });
    }
    const input = parseInput(params.input);
    let now: Date | undefined;
    if (params.now !== undefined) {
      now = new Date(params.now);
      if (Number.isNaN(now.getTime())) throw new UsageError(`'${params.now}' is not a date.`, { code: 'InvalidExpressionInput', target: 'now', hint: 'Use ISO 8601, e.g. 2021-08-25T17:41:18Z.' });
    }
    sink.verbose(`Evaluating ${params.expression}`);
    const result = evaluateExpression(params.expression, input, { ...(params.macros ? { macros: params.macros } : {}), ...(now ? { now: () => now! } : {}) });
    if (result.dropped) sink.verbose('IgnoreFlowIfNullOrEmpty: the target attribute would be left out of the export.');
    sink.result('GroupWriteback.ExpressionResult', result);
  },
});
