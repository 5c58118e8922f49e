/**
 * What a built-in function is, and the argument accessor it evaluates with. Arguments are evaluated lazily
 * (IIF, Switch and Coalesce evaluate only what they need) and converted on access, so a conversion error names
 * the function and the argument as Microsoft's reference calls it.
 */
import type { CallNode, ExprNode } from '../ast';
import { EvaluationError } from '../errors';
import { parseDateTime } from '../dates';
import { EnumWord, IGNORE_FLOW, describeValue, isIgnoreFlow, scalarToText, type Scalar, type Value } from '../values';

export interface ParamSpec {
  name: string;
  optional?: boolean;
}

/** Hooks for the non-deterministic functions, so tests (and dry runs) can pin them. */
export interface EvaluationHooks {
  /** Current time for Now(). Default: the system clock. */
  now?: () => Date;
  /** Uniform random number in [0, 1) for RandomString. Default: crypto. */
  random?: () => number;
  /** New GUID string for Guid(). Default: crypto.randomUUID. */
  guid?: () => string;
  /** SelectUniqueValue: is this candidate unused in the target? Default: every candidate is taken as unique. */
  isUnique?: (value: string) => boolean;
}

export interface EvalContext {
  readonly expression: string;
  readonly hooks: Required<Pick<EvaluationHooks, 'now' | 'random' | 'guid'>> & Pick<EvaluationHooks, 'isUnique'>;
  lookup(canonicalName: string): Value;
  macro(name: string): Value;
  evaluate(node: ExprNode): Value;
  /** Set when Redact() ran: the value must be logged as "[Redact]". */
  redacted: boolean;
  /** Candidates of a top-level SelectUniqueValue, in rule order. */
  uniqueCandidates?: string[];
}

/** Compile-time helper handed to FunctionDef.validate. */
export interface CompileCheck {
  readonly expression: string;
  /** Throw a ParseError at `node` (or at the call when no node). */
  fail(message: string, at: number, hint?: string): never;
}

export interface FunctionDef {
  /** Canonical spelling (function names match case-insensitively). */
  name: string;
  /** Positional parameters; `rest` (if any) repeats after them. */
  params: ParamSpec[];
  rest?: ParamSpec[];
  minArgs?: number;
  maxArgs?: number;
  /** Parameter names for a given argument count, when they depend on it (FormatDateTime takes 3 or 4). */
  signature?: (argCount: number) => ParamSpec[];
  /** Must be the whole expression (SelectUniqueValue). */
  topLevelOnly?: boolean;
  /** Extra compile-time checks (argument combinations, literal regexes, …). */
  validate?: (call: CallNode, check: CompileCheck) => void;
  evaluate(args: Args): Value;
}

export function specsFor(def: FunctionDef, argCount: number): ParamSpec[] {
  if (def.signature) return def.signature(argCount);
  const out = def.params.slice(0, argCount);
  const rest = def.rest ?? [];
  for (let i = def.params.length, k = 0; i < argCount && rest.length; i++, k++) {
    const spec = rest[k % rest.length];
    const round = Math.floor(k / rest.length) + 1;
    out.push({ ...spec, name: `${spec.name}${round}` });
  }
  return out;
}

export function arityOf(def: FunctionDef): { min: number; max: number } {
  const required = def.params.filter((p) => !p.optional).length;
  const min = def.minArgs ?? (def.rest ? Math.max(required, def.params.length + def.rest.filter((p) => !p.optional).length) : required);
  const max = def.maxArgs ?? (def.rest ? Infinity : def.params.length);
  return { min, max };
}

/** Thrown when a strict function reads an IgnoreFlow value: the whole attribute is dropped. */
export class IgnoreFlowSignal {}

const isSingle = (v: Value): v is Scalar => v !== null && !Array.isArray(v) && !isIgnoreFlow(v);

export class Args {
  private readonly cache = new Map<number, Value>();
  private readonly specs: ParamSpec[];

  constructor(
    readonly def: FunctionDef,
    readonly call: CallNode,
    readonly ctx: EvalContext,
  ) {
    this.specs = specsFor(def, call.args.length);
  }

  get count(): number {
    return this.call.args.length;
  }

  /** The argument slot exists and is not left empty. */
  present(i: number): boolean {
    return i < this.call.args.length && this.call.args[i] !== null;
  }

  name(i: number): string {
    return this.specs[i]?.name ?? `argument${i + 1}`;
  }

  /** Evaluated value, IgnoreFlow included (for functions that pass values through: IIF, Switch, Coalesce). */
  raw(i: number): Value {
    if (!this.present(i)) return null;
    if (!this.cache.has(i)) this.cache.set(i, this.ctx.evaluate(this.call.args[i]!));
    return this.cache.get(i)!;
  }

  /** Evaluated value; an IgnoreFlow argument makes the whole expression IgnoreFlow. */
  value(i: number): Value {
    const v = this.raw(i);
    if (isIgnoreFlow(v)) throw new IgnoreFlowSignal();
    return v;
  }

  error(message: string, i?: number, hint?: string): never {
    const argument = i === undefined ? undefined : this.name(i);
    const where = argument ? ` (argument '${argument}')` : '';
    throw new EvaluationError(`${this.def.name}${where}: ${message}`, {
      function: this.def.name,
      ...(argument ? { argument } : {}),
      ...(hint ? { hint } : {}),
      target: { function: this.def.name, ...(argument ? { argument } : {}), expression: this.ctx.expression },
    });
  }

  /** One value: a multi-valued argument with exactly one value counts as that value. */
  scalar(i: number): Scalar | null {
    const v = this.value(i);
    if (Array.isArray(v)) {
      if (v.length === 0) return null;
      if (v.length === 1) return v[0];
      this.error(`expected a single value but got ${v.length} values`, i, 'Pick one value with Item(), or combine them with Join().');
    }
    return v as Scalar | null;
  }

  text(i: number): string | null {
    const v = this.scalar(i);
    return v === null ? null : scalarToText(v);
  }

  /** Text of an enum-like argument (bare word or string), or null when empty. */
  word(i: number): string | null {
    const v = this.scalar(i);
    if (v === null) return null;
    return v instanceof EnumWord ? v.name : scalarToText(v);
  }

  /** An integer (numbers, numeric strings); null when the argument is null or omitted. */
  bigint(i: number): bigint | null {
    const v = this.scalar(i);
    if (v === null) return null;
    const n = toBigInt(v);
    if (n === undefined) this.error(`expected a whole number but got ${describeValue(v)}`, i);
    return n;
  }

  int(i: number): number | null {
    const n = this.bigint(i);
    if (n === null) return null;
    if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) this.error(`the number ${n} is out of range`, i);
    return Number(n);
  }

  /** A number (integer or decimal). */
  number(i: number): number | null {
    const v = this.scalar(i);
    if (v === null) return null;
    const n = toNumber(v);
    if (n === undefined) this.error(`expected a number but got ${describeValue(v)}`, i);
    return n;
  }

  bool(i: number): boolean | null {
    const v = this.scalar(i);
    if (v === null) return null;
    const b = toBoolean(v);
    if (b === undefined) this.error(`expected True or False (or a number) but got ${describeValue(v)}`, i);
    return b;
  }

  /** A DateTime: a date value, or a string in one of the formats CDate accepts. */
  date(i: number): Date | null {
    const v = this.scalar(i);
    if (v === null) return null;
    if (v instanceof Date) return v;
    if (typeof v === 'string') {
      const d = parseDateTime(v);
      if (d) return d;
    }
    return this.error(`expected a date/time but got ${describeValue(v)}`, i, 'Use ISO 8601 (2021-06-30T08:00:00Z, 2021-06-30+08:00) or M/d/yyyy h:mm:ss tt.');
  }
}

export function toBigInt(v: Scalar): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?\d+$/.test(s)) return BigInt(s);
    if (/^&H[0-9a-f]+$/i.test(s)) return BigInt('0x' + s.slice(2));
    return undefined;
  }
  return undefined;
}

export function toNumber(v: Scalar): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return Number(s);
    const b = toBigInt(v);
    return b === undefined ? undefined : Number(b);
  }
  return undefined;
}

export function toBoolean(v: Scalar): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  const s = (v instanceof EnumWord ? v.name : typeof v === 'string' ? v : '').trim();
  if (/^true$/i.test(s)) return true;
  if (/^false$/i.test(s)) return false;
  const n = typeof v === 'string' ? toNumber(v) : undefined;
  return n === undefined ? undefined : n !== 0;
}

/** Apply `f` to each value of a multi-valued argument, or to the single value. */
export function mapEach(v: Value, f: (s: Scalar | null) => Scalar | null): Value {
  if (Array.isArray(v)) {
    const out: Scalar[] = [];
    for (const x of v) {
      const r = f(x);
      if (r !== null) out.push(r);
    }
    return out;
  }
  if (isIgnoreFlow(v)) return IGNORE_FLOW;
  return f(v as Scalar | null);
}

export const textOf = (v: Scalar | null): string | null => (v === null ? null : scalarToText(v));
export { isSingle };
