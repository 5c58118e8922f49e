/** The function table: every function of the provisioning expression language, looked up case-insensitively. */
import { convertFunctions } from './convert';
import { dateFunctions } from './date';
import { logicFunctions } from './logic';
import { multiFunctions } from './multi';
import { randomFunctions } from './random';
import { replaceFunction } from './replace';
import { textFunctions } from './text';
import type { FunctionDef } from './types';

const ALL: FunctionDef[] = [...textFunctions, ...logicFunctions, ...convertFunctions, ...multiFunctions, ...dateFunctions, ...randomFunctions, replaceFunction];

const byLower = new Map<string, FunctionDef>(ALL.map((f) => [f.name.toLowerCase(), f]));

export function findFunction(name: string): FunctionDef | undefined {
  return byLower.get(name.toLowerCase());
}

export function functionNames(): string[] {
  return ALL.map((f) => f.name).sort((a, b) => a.localeCompare(b));
}

/** Functions of Microsoft's reference that make no sense for group provisioning, with the reason. */
export const NOT_APPLICABLE: Record<string, string> = {
  singleapproleassignment: 'SingleAppRoleAssignment works on app-role assignments of users provisioned to SaaS apps; group provisioning to AD has none.',
  approleassignmentscomplex: 'AppRoleAssignmentsComplex works on app-role assignments of users provisioned to SaaS apps; group provisioning to AD has none.',
};

/** Bare words accepted as arguments (case-insensitive), by canonical spelling. */
export const ENUM_WORDS: readonly string[] = [
  'vbBinaryCompare',
  'vbTextCompare',
  'Unicode',
  'ASCII',
  'UTF8',
  'True',
  'False',
  'None',
  'AdjustToUniversal',
  'AssumeUniversal',
  'AssumeLocal',
  'RoundtripKind',
  'AllowWhiteSpaces',
  'AllowLeadingWhite',
  'AllowTrailingWhite',
  'AllowInnerWhite',
  'NoCurrentDateDefault',
  'IgnoreCase',
  'CaseSensitive',
];

export function findEnumWord(name: string): string | undefined {
  return ENUM_WORDS.find((w) => w.toLowerCase() === name.toLowerCase());
}

export type { FunctionDef };
