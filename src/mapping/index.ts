/**
 * Attribute mappings in the Entra provisioning expression language (spec §3, §4, §8; docs/expressions.md).
 *
 *   const rules = mergeMappings(defaultMappings({ targetContainer }), config.mappings);
 *   const mappings = compileMappings(rules);          // at config load: ConfigError naming the rule
 *   const desired = mappings.map(groupToSource(g));   // per group: MappedGroup, or MappingError
 */
import { AttributeCatalog, GROUP_SOURCE_ATTRIBUTES } from './attributes';
import { compileExpression } from './compile';
import type { EvaluationHooks } from './functions/types';
import { isIgnoreFlow, toOutput } from './values';

export { defaultMappings, mergeMappings, mappingRuleSchema, DEFAULT_CN_EXPRESSION, ANCHOR_EXPRESSION, SERVICE_MANAGED_TARGETS, ENGINE_MANAGED_TARGETS } from './rules';
export type { MappingRule, MappingType, MappingApply } from './rules';
export { compileMappings, CN_MAX_LENGTH } from './mappings';
export type { CompiledMappings, MappedGroup } from './mappings';
export { compileExpression, CompiledExpression } from './compile';
export type { CompileOptions, Evaluation } from './compile';
export { AttributeCatalog, GROUP_SOURCE_ATTRIBUTES, EXTENSION_ATTRIBUTE } from './attributes';
export { ParseError, EvaluationError, MappingError } from './errors';
export { groupToSource } from './source';
export { functionNames } from './functions';
export type { EvaluationHooks } from './functions/types';
export { parse } from './parser';
export type { ExprNode } from './ast';
export { IGNORE_FLOW, isIgnoreFlow, toOutput } from './values';
export type { Value } from './values';

export interface EvaluateExpressionOptions extends EvaluationHooks {
  /** Values of %Macro% names. */
  macros?: Record<string, string>;
}

export interface ExpressionResult {
  /** The value as it would be exported: a string, several strings, or null (no value). */
  value: string | string[] | null;
  /** IgnoreFlowIfNullOrEmpty dropped the value: the target attribute would be left out of the export. */
  dropped?: true;
  /** Redact() was used: the provisioning log shows "[Redact]". */
  redacted?: true;
  /** SelectUniqueValue candidates, in order. */
  uniqueCandidates?: string[];
}

/**
 * Evaluate one expression against an input object (the `expression test` verb, like the portal's expression
 * builder). Attributes of the input are known in addition to the group attributes, so user-attribute examples
 * from Microsoft's reference work too. Throws ParseError or EvaluationError.
 */
export function evaluateExpression(text: string, input: Record<string, unknown>, options: EvaluateExpressionOptions = {}): ExpressionResult {
  const source = input && typeof input === 'object' && !Array.isArray(input) ? input : {};
  const catalog = new AttributeCatalog([...GROUP_SOURCE_ATTRIBUTES, ...Object.keys(source)]);
  const { macros, ...hooks } = options;
  const compiled = compileExpression(text, { attributes: catalog, ...(macros ? { macros } : {}) });
  const ev = compiled.evaluate(source, hooks);
  const result: ExpressionResult = { value: toOutput(ev.value) };
  if (isIgnoreFlow(ev.value)) result.dropped = true;
  if (ev.redacted) result.redacted = true;
  if (ev.uniqueCandidates) result.uniqueCandidates = ev.uniqueCandidates;
  return result;
}
