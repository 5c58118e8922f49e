/**
 * Tree-walking evaluator. Functions get lazy arguments (see functions/types.ts); `&` concatenates; comparisons
 * yield booleans.
 *
 * Comparisons (used in IIF conditions, CBool…):
 *  - `=` / `<>`: a null (absent) value equals "" and null, so IIF([x] = "", "Other", [x]) works for absent x;
 *    numbers compare numerically when both sides are numbers; dates as instants; True/False case-insensitively;
 *    everything else as case-sensitive strings. With a multi-valued side, `=` is true when any value matches.
 *  - `<`, `<=`, `>`, `>=`: numerically when both sides are numbers (or numeric strings), as instants when both are
 *    dates, else ordinal string order. A null side makes them false.
 */
import type { BinaryNode, CallNode, ExprNode } from './ast';
import { EvaluationError, describePosition, positionOf } from './errors';
import { findEnumWord, findFunction } from './functions';
import { Args, IgnoreFlowSignal, toNumber, type EvalContext } from './functions/types';
import { parseDateTime } from './dates';
import { GwbError } from '../core/errors';
import { EnumWord, describeValue, isIgnoreFlow, scalarToText, type Scalar, type Value } from './values';

export function evaluateNode(node: ExprNode, ctx: EvalContext): Value {
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'number':
      return node.value;
    case 'enum': {
      const w = findEnumWord(node.name) ?? node.name;
      if (w === 'True') return true;
      if (w === 'False') return false;
      return new EnumWord(w);
    }
    case 'macro':
      return ctx.macro(node.name);
    case 'attribute':
      return ctx.lookup(node.resolved ?? node.name);
    case 'binary':
      return evaluateBinary(node, ctx);
    case 'call':
      return evaluateCall(node, ctx);
  }
}

function evaluateCall(node: CallNode, ctx: EvalContext): Value {
  const def = findFunction(node.name);
  if (!def) throw new EvaluationError(`Unknown function '${node.name}'`, { function: node.name });
  try {
    return def.evaluate(new Args(def, node, ctx));
  } catch (err) {
    if (err instanceof IgnoreFlowSignal) throw err;
    if (err instanceof EvaluationError) {
      if (err.column === undefined) locate(err, node, ctx);
      throw err;
    }
    if (err instanceof GwbError) throw err;
    const wrapped = new EvaluationError(`${def.name}: ${(err as Error)?.message ?? String(err)}`, { function: def.name, cause: err, target: { function: def.name, expression: ctx.expression } });
    locate(wrapped, node, ctx);
    throw wrapped;
  }
}

/** Attach the position of the failing call to an evaluation error. */
function locate(err: EvaluationError, node: CallNode, ctx: EvalContext): void {
  const pos = positionOf(ctx.expression, node.start);
  (err as { column: number | undefined }).column = pos.column;
  err.message = `${err.message} (at ${describePosition(ctx.expression, pos)})`;
  if (err.target && typeof err.target === 'object') Object.assign(err.target as object, { line: pos.line, column: pos.column });
}

function strict(v: Value): Exclude<Value, never> {
  if (isIgnoreFlow(v)) throw new IgnoreFlowSignal();
  return v;
}

function evaluateBinary(node: BinaryNode, ctx: EvalContext): Value {
  const l = strict(evaluateNode(node.left, ctx));
  const r = strict(evaluateNode(node.right, ctx));
  if (node.op === '&') {
    const single = (v: Value, side: ExprNode): string | null => {
      if (v === null) return null;
      if (Array.isArray(v)) {
        if (v.length === 0) return null;
        if (v.length === 1) return scalarToText(v[0]);
        throw operatorError(node, ctx, `'&' cannot concatenate a multi-valued value (${v.length} values)`, side, 'Use Join(separator, values…) for multi-valued attributes.');
      }
      return scalarToText(v as Scalar);
    };
    const a = single(l, node.left);
    const b = single(r, node.right);
    if (a === null && b === null) return null;
    return (a ?? '') + (b ?? '');
  }
  return compare(node, l, r, ctx);
}

function operatorError(node: BinaryNode, ctx: EvalContext, message: string, _side: ExprNode, hint?: string): EvaluationError {
  const pos = positionOf(ctx.expression, node.opStart);
  return new EvaluationError(`${message} (at ${describePosition(ctx.expression, pos)})`, {
    function: node.op,
    column: pos.column,
    ...(hint ? { hint } : {}),
    target: { operator: node.op, expression: ctx.expression, line: pos.line, column: pos.column },
  });
}

const isNumeric = (v: Scalar) => typeof v === 'number' || typeof v === 'bigint';
const asDate = (v: Scalar): Date | null => (v instanceof Date ? v : typeof v === 'string' ? parseDateTime(v) : null);

function numbersOf(a: Scalar, b: Scalar, bothStringsToo: boolean): [number | bigint, number | bigint] | null {
  if (!isNumeric(a) && !isNumeric(b) && !bothStringsToo) return null;
  const x = isNumeric(a) ? (a as number | bigint) : typeof a === 'string' ? toNumber(a) : undefined;
  const y = isNumeric(b) ? (b as number | bigint) : typeof b === 'string' ? toNumber(b) : undefined;
  if (x === undefined || y === undefined) return null;
  return [x, y];
}

function cmpNumbers(x: number | bigint, y: number | bigint): number {
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  const a = Number(x);
  const b = Number(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

function equal(a: Scalar | null, b: Scalar | null): boolean {
  if (a === null || b === null) {
    const other = a === null ? b : a;
    return other === null || scalarToText(other) === '';
  }
  const nums = numbersOf(a, b, false);
  if (nums) return cmpNumbers(nums[0], nums[1]) === 0;
  if (a instanceof Date || b instanceof Date) {
    const x = asDate(a);
    const y = asDate(b);
    if (x && y) return x.getTime() === y.getTime();
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return scalarToText(a).toLowerCase() === scalarToText(b).toLowerCase();
  return scalarToText(a) === scalarToText(b);
}

function order(a: Scalar, b: Scalar): number {
  const nums = numbersOf(a, b, true);
  if (nums) return cmpNumbers(nums[0], nums[1]);
  if (a instanceof Date || b instanceof Date) {
    const x = asDate(a);
    const y = asDate(b);
    if (x && y) return x.getTime() - y.getTime();
  }
  const s = scalarToText(a);
  const t = scalarToText(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

function compare(node: BinaryNode, l: Value, r: Value, ctx: EvalContext): boolean {
  const list = (v: Value): Array<Scalar | null> => (v === null ? [null] : Array.isArray(v) ? (v.length ? v : [null]) : [v as Scalar]);
  if (node.op === '=' || node.op === '<>') {
    const eq = list(l).some((a) => list(r).some((b) => equal(a, b)));
    return node.op === '=' ? eq : !eq;
  }
  const one = (v: Value, side: ExprNode): Scalar | null => {
    const xs = list(v);
    if (xs.length > 1) throw operatorError(node, ctx, `'${node.op}' cannot compare a multi-valued value (${describeValue(v)})`, side, 'Pick one value with Item() or count them with Count().');
    return xs[0];
  };
  const a = one(l, node.left);
  const b = one(r, node.right);
  if (a === null || b === null) return false;
  const c = order(a, b);
  switch (node.op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}
