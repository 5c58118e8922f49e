/**
 * Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template)
 *
 * The mode is chosen by which arguments are given (an empty slot is "not given"; "" is given):
 *   oldValue + replacementValue                    → every oldValue in source becomes replacementValue
 *   oldValue + template                            → every oldValue in template becomes source
 *   regexPattern + replacementValue                → regex replace; ${name}, $1, $$ substitutions
 *   regexPattern + regexGroupName + replacementValue → only the named group's span in each match is replaced
 *   regexPattern + regexGroupName + replacementAttributeName
 *       → source if it has a value, else the named group extracted from replacementAttributeName. The two Microsoft
 *         references disagree here; we follow the app-provisioning reference, which has the worked example.
 * Any other combination is rejected when the configuration is loaded. Matching is case-sensitive.
 */
import type { CallNode } from '../ast';
import { RegexTranslationError, compileDotNetRegex, groupNames, regexExtractGroup, regexReplace, regexReplaceGroup } from '../regex';
import { isNullOrEmpty, scalarToText } from '../values';
import { mapEach, type Args, type CompileCheck, type FunctionDef } from './types';

const SOURCE = 0, OLD = 1, REGEX = 2, GROUP = 3, REPL = 4, REPL_ATTR = 5, TEMPLATE = 6;

type Mode = 'old-replacement' | 'old-template' | 'regex-replacement' | 'regex-group-replacement' | 'regex-group-attribute';

/** Decide the mode from which slots are given; a string means "invalid", with the reason. */
function modeOf(given: (i: number) => boolean): Mode | { error: string; at: number } {
  if (given(OLD) && given(REGEX)) return { error: 'give either oldValue or regexPattern, not both', at: REGEX };
  if (given(OLD)) {
    if (given(GROUP)) return { error: 'regexGroupName needs regexPattern, not oldValue', at: GROUP };
    if (given(REPL_ATTR)) return { error: 'replacementAttributeName needs regexPattern and regexGroupName', at: REPL_ATTR };
    if (given(REPL) && given(TEMPLATE)) return { error: 'give either replacementValue or template, not both', at: TEMPLATE };
    if (given(REPL)) return 'old-replacement';
    if (given(TEMPLATE)) return 'old-template';
    return { error: 'oldValue needs a replacementValue (5th argument) or a template (7th argument)', at: OLD };
  }
  if (given(REGEX)) {
    if (given(TEMPLATE)) return { error: 'template works with oldValue, not with regexPattern', at: TEMPLATE };
    if (given(GROUP) && given(REPL_ATTR)) {
      if (given(REPL)) return { error: 'give either replacementValue or replacementAttributeName, not both', at: REPL_ATTR };
      return 'regex-group-attribute';
    }
    if (given(REPL_ATTR)) return { error: 'replacementAttributeName needs regexGroupName (4th argument)', at: REPL_ATTR };
    if (given(GROUP) && given(REPL)) return 'regex-group-replacement';
    if (given(REPL)) return 'regex-replacement';
    return { error: 'regexPattern needs a replacementValue (5th argument), or regexGroupName and replacementAttributeName', at: REGEX };
  }
  return { error: 'give oldValue (2nd argument) or regexPattern (3rd argument)', at: SOURCE };
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = compileDotNetRegex(pattern);
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

function validate(call: CallNode, check: CompileCheck): void {
  const given = (i: number) => i < call.args.length && call.args[i] !== null;
  const mode = modeOf(given);
  if (typeof mode !== 'string') check.fail(`Replace: ${mode.error}`, mode.at < call.args.length && call.args[mode.at] ? call.args[mode.at]!.start : call.start, 'See the Replace modes in docs/expressions.md.');
  const pattern = call.args[REGEX];
  if (pattern && pattern.kind === 'string') {
    let re: RegExp;
    try {
      re = regex(pattern.value);
    } catch (err) {
      if (err instanceof RegexTranslationError) check.fail(`Replace: ${err.message}`, pattern.start, 'Regex patterns use .NET syntax; in a string write a backslash as \\\\, e.g. "\\\\d+".');
      throw err;
    }
    const group = call.args[GROUP];
    if (group && group.kind === 'string' && !groupNames(re).includes(group.value)) {
      check.fail(`Replace: the pattern has no group named '${group.value}'`, group.start, `Define it in the pattern as (?<${group.value}>…).`);
    }
  }
}

function compiled(args: Args): RegExp {
  const pattern = args.text(REGEX) ?? '';
  try {
    return regex(pattern);
  } catch (err) {
    if (err instanceof RegexTranslationError) args.error(err.message, REGEX);
    throw err;
  }
}

export const replaceFunction: FunctionDef = {
  name: 'Replace',
  params: [
    { name: 'source' },
    { name: 'oldValue', optional: true },
    { name: 'regexPattern', optional: true },
    { name: 'regexGroupName', optional: true },
    { name: 'replacementValue', optional: true },
    { name: 'replacementAttributeName', optional: true },
    { name: 'template', optional: true },
  ],
  minArgs: 2,
  validate,
  evaluate(args: Args) {
    const mode = modeOf((i) => args.present(i));
    if (typeof mode !== 'string') args.error(mode.error, mode.at);
    switch (mode) {
      case 'old-replacement': {
        const old = args.text(OLD) ?? '';
        const repl = args.text(REPL) ?? '';
        return mapEach(args.value(SOURCE), (s) => (s === null ? null : old === '' ? scalarToText(s) : scalarToText(s).split(old).join(repl)));
      }
      case 'old-template': {
        const old = args.text(OLD) ?? '';
        const template = args.text(TEMPLATE) ?? '';
        return mapEach(args.value(SOURCE), (s) => (s === null ? null : old === '' ? template : template.split(old).join(scalarToText(s))));
      }
      case 'regex-replacement': {
        const re = compiled(args);
        const repl = args.text(REPL) ?? '';
        return mapEach(args.value(SOURCE), (s) => (s === null ? null : regexReplace(scalarToText(s), re, repl)));
      }
      case 'regex-group-replacement': {
        const re = compiled(args);
        const group = args.text(GROUP) ?? '';
        const repl = args.text(REPL) ?? '';
        return mapEach(args.value(SOURCE), (s) => (s === null ? null : regexReplaceGroup(scalarToText(s), re, group, repl)));
      }
      case 'regex-group-attribute': {
        const src = args.value(SOURCE);
        if (!isNullOrEmpty(src)) return src;
        const re = compiled(args);
        const group = args.text(GROUP) ?? '';
        const from = args.text(REPL_ATTR);
        return from === null ? null : regexExtractGroup(from, re, group);
      }
    }
  },
};
