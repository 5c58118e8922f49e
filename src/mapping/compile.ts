/**
 * compileExpression: parse + every check that can be made before any data is seen (unknown function, unknown
 * attribute, argument counts, required arguments, Replace modes, literal regexes and formats, SelectUniqueValue
 * at the top). A compiled expression evaluates against a source object.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { walk, type CallNode, type ExprNode } from './ast';
import { AttributeCatalog, editDistance, lookupAttribute } from './attributes';
import { ParseError } from './errors';
import { evaluateNode } from './evaluator';
import { ENUM_WORDS, NOT_APPLICABLE, findEnumWord, findFunction, functionNames } from './functions';
import { IgnoreFlowSignal, arityOf, specsFor, type CompileCheck, type EvalContext, type EvaluationHooks } from './functions/types';
import { parse } from './parser';
import { IGNORE_FLOW, fromInput, type Value } from './values';

export interface CompileOptions {
  /** Known source attributes. Default: the group attributes (attributes.ts) plus any extension_<appId>_<name>. */
  attributes?: AttributeCatalog;
  /** Values of %Macro% names, e.g. { DomainFQDN: 'contoso.com' }. */
  macros?: Record<string, string>;
}

export interface Evaluation {
  /** The value, or IGNORE_FLOW when IgnoreFlowIfNullOrEmpty dropped it. */
  value: Value;
  /** Redact() ran: log the value as "[Redact]". */
  redacted: boolean;
  /** Candidates of a top-level SelectUniqueValue, in rule order. */
  uniqueCandidates?: string[];
}

const defaultHooks = {
  now: () => new Date(),
  random: () => randomInt(0, 2 ** 47) / 2 ** 47,
  guid: () => randomUUID(),
};

export class CompiledExpression {
  constructor(
    readonly text: string,
    readonly ast: ExprNode,
    /** Canonical names of the source attributes the expression reads. */
    readonly attributes: string[],
    private readonly macros: Record<string, string>,
  ) {}

  /** True when the whole expression is a SelectUniqueValue call. */
  get selectsUniqueValue(): boolean {
    return this.ast.kind === 'call' && this.ast.name.toLowerCase() === 'selectuniquevalue';
  }

  evaluate(source: Record<string, unknown>, hooks: EvaluationHooks = {}): Evaluation {
    const macros = this.macros;
    const ctx: EvalContext = {
      expression: this.text,
      hooks: { now: hooks.now ?? defaultHooks.now, random: hooks.random ?? defaultHooks.random, guid: hooks.guid ?? defaultHooks.guid, isUnique: hooks.isUnique },
      lookup: (name) => fromInput(lookupAttribute(source, name)),
      macro: (name) => {
        const key = Object.keys(macros).find((k) => k.toLowerCase() === name.toLowerCase());
        return key === undefined ? null : macros[key];
      },
      evaluate: (node) => evaluateNode(node, ctx),
      redacted: false,
    };
    let value: Value;
    try {
      value = evaluateNode(this.ast, ctx);
    } catch (err) {
      if (err instanceof IgnoreFlowSignal) value = IGNORE_FLOW;
      else throw err;
    }
    return { value, redacted: ctx.redacted, ...(ctx.uniqueCandidates ? { uniqueCandidates: ctx.uniqueCandidates } : {}) };
  }
}

const defaultCatalog = new AttributeCatalog();

const didYouMean = (names: string[]) => (names.length ? ` Did you mean ${names.map((n) => `'${n}'`).join(' or ')}?` : '');

function suggestFunction(name: string): string[] {
  const lower = name.toLowerCase();
  return functionNames()
    .map((n) => ({ n, d: editDistance(lower, n.toLowerCase()) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d)
    .slice(0, 2)
    .map((x) => x.n);
}

export function compileExpression(text: string, options: CompileOptions = {}): CompiledExpression {
  if (typeof text !== 'string') throw new ParseError('The expression must be a string', { expression: String(text), offset: 0 });
  const ast = parse(text);
  const catalog = options.attributes ?? defaultCatalog;
  const macros = options.macros ?? {};
  const attributes = new Set<string>();
  const fail = (message: string, at: number, code: string, hint?: string, expected?: string): never => {
    throw new ParseError(message, { expression: text, offset: at, code, ...(hint ? { hint } : {}), ...(expected ? { expected } : {}) });
  };
  const check: CompileCheck = {
    expression: text,
    fail: (message, at, hint) => fail(message, at, 'InvalidExpressionArgument', hint),
  };

  walk(ast, (node, parent) => {
    switch (node.kind) {
      case 'call':
        checkCall(node, parent, check, fail);
        break;
      case 'attribute': {
        const resolved = catalog.resolve(node.name);
        if (!resolved) {
          fail(
            `Unknown attribute [${node.name}]`,
            node.start,
            'UnknownAttribute',
            `The group has no attribute of that name.${didYouMean(catalog.suggest(node.name))} Directory extensions are written [extension_<appIdWithoutHyphens>_<name>].`,
            'a source attribute',
          );
        }
        node.resolved = resolved;
        attributes.add(resolved!);
        break;
      }
      case 'enum':
        if (!findEnumWord(node.name)) {
          const isFn = findFunction(node.name);
          fail(
            `Unknown name '${node.name}'`,
            node.start,
            'UnknownName',
            isFn
              ? `${isFn.name} is a function: call it with parentheses, ${isFn.name}(…).`
              : `Write attributes in brackets ([${node.name}]) and text in quotes ("${node.name}"). Bare words allowed: ${ENUM_WORDS.slice(0, 7).join(', ')}.`,
          );
        }
        break;
      case 'macro':
        if (!Object.keys(macros).some((k) => k.toLowerCase() === node.name.toLowerCase())) {
          fail(`Unknown macro %${node.name}%`, node.start, 'UnknownMacro', Object.keys(macros).length ? `Known macros: ${Object.keys(macros).map((m) => `%${m}%`).join(', ')}.` : 'No macros are defined for this mapping.');
        }
        break;
      default:
        break;
    }
  });
  return new CompiledExpression(text, ast, [...attributes], macros);
}

function checkCall(node: CallNode, parent: ExprNode | null, check: CompileCheck, fail: (message: string, at: number, code: string, hint?: string, expected?: string) => never): void {
  const def = findFunction(node.name);
  if (!def) {
    const na = NOT_APPLICABLE[node.name.toLowerCase()];
    if (na) fail(`${node.name} is not available here`, node.start, 'FunctionNotApplicable', na);
    fail(`Unknown function '${node.name}'`, node.start, 'UnknownFunction', `${didYouMean(suggestFunction(node.name)).trim() || 'See docs/expressions.md for the supported functions.'}`.trim(), 'a function name');
  }
  const { min, max } = arityOf(def!);
  const n = node.args.length;
  if (n < min || n > max) {
    const names = specsFor(def!, Math.min(Math.max(n, min), max === Infinity ? Math.max(n, min) : max)).map((p) => (p.optional ? `[${p.name}]` : p.name));
    const takes = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
    fail(`${def!.name} takes ${takes} argument${max === 1 && min === 1 ? '' : 's'} but got ${n}`, node.start, 'WrongArgumentCount', `${def!.name}(${max === Infinity ? names.join(', ') + ', …' : names.join(', ')})`);
  }
  const specs = specsFor(def!, n);
  node.args.forEach((a, i) => {
    if (a === null && !specs[i]?.optional) {
      fail(`${def!.name}: argument ${i + 1} ('${specs[i]?.name ?? i + 1}') is required but empty`, node.argStarts[i], 'MissingArgument', `${def!.name}(${specs.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(', ')})`, `a value for '${specs[i]?.name}'`);
    }
  });
  if (def!.topLevelOnly && parent !== null) {
    fail(`${def!.name} must be the whole expression; it cannot be nested`, node.start, 'InvalidExpressionArgument', `Make ${def!.name}(…) the top-level call of the mapping.`);
  }
  def!.validate?.(node, check);
}
