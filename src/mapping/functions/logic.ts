/**
 * Conditions and null handling: IIF, Switch, Coalesce, Not, CBool, IsNull, IsNullOrEmpty, IsPresent, IsString,
 * IgnoreFlowIfNullOrEmpty, Error.
 *
 * Deliberate fixes of documented Microsoft bugs:
 *  - IIF with a null/empty attribute in the condition works: IIF(IsPresent([x]), …), IIF([x] = "", …) and
 *    IIF(IsNullOrEmpty([x]), …) all choose the branch you would expect (Microsoft: "the condition check fails").
 *  - Switch always evaluates from the full source object, so it never yields null just because its source attribute
 *    did not change in this delta (Microsoft: "the switch statement is evaluated as null").
 */
import { EvaluationError } from '../errors';
import { IGNORE_FLOW, isIgnoreFlow, isNullOrEmpty, scalarToText, type Value } from '../values';
import { toBoolean, type Args, type FunctionDef } from './types';

export const logicFunctions: FunctionDef[] = [
  {
    name: 'IIF',
    params: [{ name: 'condition' }, { name: 'valueIfTrue' }, { name: 'valueIfFalse' }],
    evaluate(args: Args) {
      const c = args.scalar(0);
      let cond: boolean;
      if (c === null) cond = false;
      else {
        const b = toBoolean(c);
        if (b === undefined) args.error(`the condition must be True or False but is ${JSON.stringify(scalarToText(c))}`, 0, 'Use a comparison ([x] = "y") or a test such as IsPresent([x]).');
        cond = b;
      }
      return args.raw(cond ? 1 : 2);
    },
  },
  {
    name: 'Switch',
    params: [{ name: 'source' }, { name: 'defaultValue', optional: true }],
    rest: [{ name: 'key' }, { name: 'value' }],
    minArgs: 2,
    validate(call, check) {
      if (call.args.length % 2 !== 0) {
        check.fail(`Switch takes the source, a default value, then key/value pairs, so an even number of arguments; got ${call.args.length}`, call.start, 'Add the missing value for the last key, or an empty default: Switch([x], , "key", "value").');
      }
    },
    evaluate(args: Args) {
      const src = args.text(0) ?? ''; // an absent source matches the key "" (Microsoft's documented way to test for empty)
      for (let k = 2; k + 1 < args.count; k += 2) {
        const key = args.text(k) ?? '';
        if (key === src) return args.raw(k + 1);
      }
      return args.raw(1);
    },
  },
  {
    name: 'Coalesce',
    params: [{ name: 'source1' }],
    rest: [{ name: 'source' }],
    minArgs: 1,
    signature: (n) => Array.from({ length: n }, (_, i) => ({ name: i === n - 1 && n > 1 ? 'defaultValue' : `source${i + 1}`, optional: i > 0 })),
    evaluate(args: Args) {
      for (let i = 0; i < args.count; i++) {
        const v = args.raw(i);
        if (v === null || (Array.isArray(v) && v.length === 0)) continue;
        return v;
      }
      return null;
    },
  },
  {
    name: 'Not',
    params: [{ name: 'source' }],
    evaluate(args: Args) {
      const v = args.scalar(0);
      return !(v !== null && toBoolean(v) === true);
    },
  },
  {
    name: 'CBool',
    params: [{ name: 'Expression' }],
    evaluate(args: Args) {
      const v = args.scalar(0);
      if (v === null) return false;
      const b = toBoolean(v);
      if (b === undefined) args.error(`cannot convert ${JSON.stringify(scalarToText(v))} to a boolean`, 0, 'CBool accepts True/False, numbers and comparisons.');
      return b;
    },
  },
  {
    name: 'IsNull',
    params: [{ name: 'Expression' }],
    evaluate(args: Args) {
      const v = args.value(0);
      return v === null || (Array.isArray(v) && v.length === 0);
    },
  },
  {
    name: 'IsNullOrEmpty',
    params: [{ name: 'Expression' }],
    evaluate: (args: Args) => isNullOrEmpty(args.value(0)),
  },
  {
    name: 'IsPresent',
    params: [{ name: 'Expression' }],
    evaluate: (args: Args) => !isNullOrEmpty(args.value(0)),
  },
  {
    name: 'IsString',
    params: [{ name: 'Expression' }],
    evaluate(args: Args) {
      let v: Value = args.value(0);
      if (Array.isArray(v)) v = v.length === 1 ? v[0] : null;
      return v !== null && !(v instanceof Uint8Array);
    },
  },
  {
    name: 'IgnoreFlowIfNullOrEmpty',
    params: [{ name: 'Expression' }],
    evaluate(args: Args) {
      const v = args.raw(0);
      return isIgnoreFlow(v) || isNullOrEmpty(v) ? IGNORE_FLOW : v;
    },
  },
  {
    name: 'Error',
    params: [{ name: 'ErrorMessage' }],
    evaluate(args: Args) {
      const message = args.text(0) ?? 'Error() was called.';
      throw new EvaluationError(message, {
        code: 'ExpressionCustomError',
        function: 'Error',
        target: { function: 'Error', expression: args.ctx.expression },
        hint: 'The mapping expression raised this error on purpose (Error function); fix the source data or the expression.',
      });
    },
  },
];
