/**
 * compileMappings: validate and compile every rule once, when the configuration is loaded (a bad expression is a
 * ConfigError naming the rule, not a failure in the middle of a cycle); then `map(source)` turns one group into
 * the AD attribute values to write.
 */
import { ConfigError, GwbError } from '../core/errors';
import { AttributeCatalog, lookupAttribute } from './attributes';
import { compileExpression, type CompileOptions, type CompiledExpression } from './compile';
import { MappingError, ParseError } from './errors';
import { dnComponents } from './functions/convert';
import type { EvaluationHooks } from './functions/types';
import { ENGINE_MANAGED_TARGETS, type MappingApply, type MappingRule, type MappingType } from './rules';
import { fromInput, isIgnoreFlow, toOutput, type Value } from './values';

/** AD's limit on cn (rangeUpper 64, in UTF-16 code units). */
export const CN_MAX_LENGTH = 64;

export interface MappedGroup {
  /** AD attribute → value; null = clear the attribute. Excludes cn and parentDistinguishedName. */
  attributes: Record<string, string | string[] | null>;
  /** RDN value (unescaped). */
  cn: string;
  parentDistinguishedName: string;
  /** Targets to write only when the group is created (may include 'cn' and 'parentDistinguishedName'). */
  onCreateOnly: Set<string>;
  /** Targets to leave unmodified: IgnoreFlowIfNullOrEmpty dropped them, or their mapping type is None. */
  dropped: Set<string>;
  /** Targets whose value came through Redact(): log "[Redact]" instead of the value. */
  redacted?: Set<string>;
  /** Targets mapped with SelectUniqueValue: every candidate in rule order (the value is the first, or the first `isUnique` accepted). */
  uniqueCandidates?: Record<string, string[]>;
}

export interface CompiledMappings {
  /** Map one group. `source` = the group's properties with objectId = id (see groupToSource). Throws MappingError. */
  map(source: Record<string, unknown>, hooks?: EvaluationHooks): MappedGroup;
  /** Every managed target (rules of type None excluded), in rule order, including cn and parentDistinguishedName. */
  targets: string[];
}

interface CompiledRule {
  target: string;
  type: MappingType;
  apply: MappingApply;
  defaultValue?: string;
  direct?: string;
  constant?: string;
  expression?: CompiledExpression;
}

const TYPES: readonly MappingType[] = ['Direct', 'Constant', 'Expression', 'None'];
const APPLIES: readonly MappingApply[] = ['Always', 'OnCreateOnly'];

export function compileMappings(rules: MappingRule[], options: CompileOptions = {}): CompiledMappings {
  if (!Array.isArray(rules)) throw new ConfigError('The mappings must be a list of mapping rules.', { code: 'InvalidMappings', target: 'mappings' });
  const catalog = options.attributes ?? new AttributeCatalog();
  const compiled: CompiledRule[] = [];
  const seen = new Map<string, number>();

  rules.forEach((rule, index) => {
    const where = `mappings[${index}]`;
    const bad: (message: string, hint: string, code?: string, extra?: Record<string, unknown>, cause?: unknown) => never = (message, hint, code = 'InvalidMapping', extra = {}, cause) => {
      throw new ConfigError(message, { code, target: { mapping: where, ...(typeof rule?.target === 'string' ? { target: rule.target } : {}), ...extra }, hint, ...(cause ? { cause } : {}) });
    };
    if (!rule || typeof rule !== 'object') bad(`Mapping ${where} is not an object.`, 'Write { "target": "…", "type": "Direct|Constant|Expression|None", "source": "…" }.');
    const { target, type, source, apply = 'Always', defaultValue } = rule;
    if (typeof target !== 'string' || !target.trim()) bad(`Mapping ${where} has no target attribute.`, 'Set "target" to the AD attribute name, e.g. "description".');
    const label = `Mapping for '${target}'`;
    if (!TYPES.includes(type)) bad(`${label} has an invalid type ${JSON.stringify(type)}.`, `Use one of ${TYPES.join(', ')}.`);
    if (!APPLIES.includes(apply)) bad(`${label} has an invalid apply ${JSON.stringify(apply)}.`, `Use ${APPLIES.join(' or ')}.`);
    if (defaultValue !== undefined && typeof defaultValue !== 'string') bad(`${label}: defaultValue must be a string.`, 'Quote the default value.');
    const managed = ENGINE_MANAGED_TARGETS[target.toLowerCase()];
    if (managed) bad(`${label}: '${target}' cannot be mapped.`, managed, 'UnmappableTarget');
    const prev = seen.get(target.toLowerCase());
    if (prev !== undefined) bad(`${label} appears twice (mappings[${prev}] and ${where}).`, 'Keep one mapping per target attribute.', 'DuplicateMapping');
    seen.set(target.toLowerCase(), index);

    const c: CompiledRule = { target, type, apply, ...(defaultValue !== undefined ? { defaultValue } : {}) };
    switch (type) {
      case 'None':
        break;
      case 'Direct': {
        if (typeof source !== 'string' || !source.trim()) bad(`${label} (Direct) names no source attribute.`, 'Set "source" to a group attribute, e.g. "displayName".');
        const name = source.trim().replace(/^\[(.*)\]$/, '$1');
        const resolved = catalog.resolve(name);
        if (!resolved) {
          const s = catalog.suggest(name);
          bad(`${label} (Direct): unknown source attribute '${name}'.`, s.length ? `Did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : 'Use a group attribute or extension_<appIdWithoutHyphens>_<name>.', 'UnknownAttribute');
        }
        c.direct = resolved;
        break;
      }
      case 'Constant':
        if (typeof source !== 'string') bad(`${label} (Constant) has no value.`, 'Set "source" to the constant value.');
        c.constant = source;
        break;
      case 'Expression': {
        if (typeof source !== 'string' || !source.trim()) bad(`${label} (Expression) has no expression.`, 'Set "source" to the expression text.');
        try {
          c.expression = compileExpression(source, options);
        } catch (err) {
          if (err instanceof ParseError) {
            bad(`${label}: ${err.message}`, err.hint ?? 'Fix the expression.', err.code, { expression: source, line: err.line, column: err.column }, err);
          }
          throw err;
        }
        if (c.expression!.selectsUniqueValue && apply !== 'OnCreateOnly') {
          bad(`${label}: SelectUniqueValue is meant for creation only.`, 'Set "apply": "OnCreateOnly" on this mapping (Microsoft: apply "Only during object creation").', 'InvalidMapping');
        }
        break;
      }
    }
    compiled.push(c);
  });

  for (const required of ['cn', 'parentDistinguishedName']) {
    const rule = compiled.find((c) => c.target.toLowerCase() === required.toLowerCase());
    if (!rule || rule.type === 'None') {
      throw new ConfigError(`A mapping for '${required}' is required.`, {
        code: 'MissingMapping',
        target: { mapping: required },
        hint: required === 'cn' ? `Keep the default cn mapping (${'Append(Append(Left(Trim([displayName]),51),"_"),Mid([objectId],25,12))'}) or give your own.` : 'Set target.container, or map parentDistinguishedName (the OU new groups are created in).',
      });
    }
  }

  return {
    targets: compiled.filter((c) => c.type !== 'None').map((c) => c.target),
    map: (source, hooks) => mapGroup(compiled, source, hooks),
  };
}

function normalize(out: string | string[] | null): string | string[] | null {
  if (out === '') return null; // Microsoft: an expression that yields "" flows NULL to the target
  if (Array.isArray(out)) {
    const values = out.filter((v) => v !== '');
    return values.length ? values : null;
  }
  return out;
}

function mapGroup(rules: CompiledRule[], source: Record<string, unknown>, hooks?: EvaluationHooks): MappedGroup {
  const groupId = String(lookupAttribute(source, 'objectId') ?? '(no id)');
  const result: MappedGroup = { attributes: {}, cn: '', parentDistinguishedName: '', onCreateOnly: new Set(), dropped: new Set() };
  const fail: (rule: CompiledRule, message: string, hint: string, code: string, cause?: unknown) => never = (rule, message, hint, code, cause) => {
    throw new MappingError(`Mapping for '${rule.target}' failed for group ${groupId}: ${message}`, {
      code,
      target: { attribute: rule.target, groupId, ...(rule.expression ? { expression: rule.expression.text } : {}) },
      hint,
      ...(cause ? { cause } : {}),
    });
  };

  for (const rule of rules) {
    if (rule.type === 'None') {
      result.dropped.add(rule.target);
      continue;
    }
    let value: Value;
    if (rule.type === 'Direct') value = fromInput(lookupAttribute(source, rule.direct!));
    else if (rule.type === 'Constant') value = rule.constant!;
    else {
      try {
        const ev = rule.expression!.evaluate(source, hooks);
        value = ev.value;
        if (ev.redacted) (result.redacted ??= new Set()).add(rule.target);
        if (ev.uniqueCandidates) (result.uniqueCandidates ??= {})[rule.target] = ev.uniqueCandidates;
      } catch (err) {
        if (err instanceof GwbError) fail(rule, err.message, err.hint ?? 'Fix the mapping expression or the group data.', err.code, err);
        throw err;
      }
    }
    const isCn = rule.target.toLowerCase() === 'cn';
    const isParent = rule.target.toLowerCase() === 'parentdistinguishedname';
    if (isIgnoreFlow(value)) {
      if (isCn || isParent) fail(rule, 'the expression produced no value (IgnoreFlowIfNullOrEmpty)', `${rule.target} must always have a value.`, 'MappingEmpty');
      result.dropped.add(rule.target);
      continue;
    }
    let out = normalize(toOutput(value));
    if (out === null && rule.defaultValue !== undefined) out = normalize(rule.defaultValue);
    if (rule.apply === 'OnCreateOnly') result.onCreateOnly.add(rule.target);

    if (isCn || isParent) {
      if (Array.isArray(out)) {
        if (out.length !== 1) fail(rule, `the value has ${out.length} values; it must be one`, 'Pick one value with Item() or Join() them.', 'MappingMultiValued');
        out = out[0];
      }
      if (out === null) fail(rule, 'the value is empty', isCn ? 'cn needs a value: give the mapping a defaultValue, or fall back with IIF(IsPresent(…), …, …).' : 'Give the mapping a defaultValue (the default OU).', 'MappingEmpty');
      if (isCn) {
        if (out!.length > CN_MAX_LENGTH) fail(rule, `the value is ${out!.length} characters long; AD allows at most ${CN_MAX_LENGTH}: ${JSON.stringify(out)}`, 'Shorten it in the expression, e.g. Left(…, 51) as the default cn mapping does.', 'CnTooLong');
        result.cn = out as string;
      } else {
        const rdns = dnComponents(out as string);
        if (!rdns.length || rdns.some((r) => !r.type || !/^[A-Za-z][A-Za-z0-9-]*$|^\d+(\.\d+)*$/.test(r.type))) {
          fail(rule, `${JSON.stringify(out)} is not a distinguished name`, 'The target container must be a DN such as OU=Groups,DC=contoso,DC=com.', 'DistinguishedNameBadSyntax');
        }
        result.parentDistinguishedName = out as string;
      }
      continue;
    }
    result.attributes[rule.target] = out;
  }
  return result;
}
