/**
 * Preflight: before a cycle's first write, check what every write depends on — the target container and the OUs
 * the mappings route groups to exist, the account may create groups there, the schema has the anchor attribute.
 * A miss here is one configuration error for the whole cycle (not one error per group), so a wrong OU cannot look
 * like "1,406 groups failed".
 */
import type { ResolvedConfig } from '../config/types';
import { dnLiterals } from '../doctor/directory-checks';
import { say } from '../core/surface';
import { normalizeDn } from '../directory/dn';
import { ANCHOR_ATTRIBUTE } from '../directory/entry';
import type { Target, TargetPrerequisites } from '../model/ports';
import { PreflightError } from './errors';

/** The containers a cycle may write into: target.container and every OU named literally in the mappings. */
export function targetContainers(config: ResolvedConfig): string[] {
  const main = config.target.container;
  return [main, ...dnLiterals(config.mappings, config.directory.baseDn).filter((dn) => normalizeDn(dn) !== normalizeDn(main))];
}

/** The error for what a Target reported missing, or undefined when everything is in place. */
export function preflightError(found: TargetPrerequisites, config: ResolvedConfig): PreflightError | undefined {
  const main = normalizeDn(config.target.container);
  if (found.anchorAttributeMissing) {
    return new PreflightError(`The directory schema has no ${ANCHOR_ATTRIBUTE} attribute${found.schemaDn ? ` (${found.schemaDn})` : ''}: no group can be matched or written.`, {
      code: 'SchemaAttributeMissing',
      category: 'NotInstalled',
      target: ANCHOR_ATTRIBUTE,
      hint: 'Extend the forest schema to Windows Server 2016 or later (adprep /forestprep as a Schema Admin), then run the cycle again.',
    });
  }
  if (found.missingContainers.length) {
    const list = found.missingContainers;
    const isMain = list.some((dn) => normalizeDn(dn) === main);
    return new PreflightError(
      `The target container${list.length > 1 ? 's' : ''} ${list.join('; ')} ${list.length > 1 ? 'do' : 'does'} not exist (or the service account cannot see ${list.length > 1 ? 'them' : 'it'}): nothing was written.`,
      {
        code: 'TargetContainerNotFound',
        category: 'ObjectNotFound',
        target: list[0],
        hint: isMain
          ? `Create the OU, or point target.container at an existing one${say.configTarget()}; ${say.configTest()} checks it.`
          : `Create the OU the mappings route groups to, or fix the parentDistinguishedName mapping; ${say.configTest()} checks it.`,
      },
    );
  }
  if (found.noCreateRights.length) {
    const list = found.noCreateRights;
    return new PreflightError(`The service account ${config.directory.bindDn} may not create groups in ${list.join('; ')}: nothing was written.`, {
      code: 'TargetContainerAccessDenied',
      category: 'PermissionDenied',
      target: list[0],
      hint: `Delegate "Create, delete and manage groups" (and "Modify the membership of a group") on the OU to the service account; ${say.configTest()} checks it.`,
    });
  }
  return undefined;
}

/** Throws a PreflightError when the Target reports a missing prerequisite; a Target that cannot tell passes. */
export async function runPreflight(target: Target, config: ResolvedConfig): Promise<void> {
  if (typeof target.checkPrerequisites !== 'function') return;
  const err = preflightError(await target.checkPrerequisites(targetContainers(config)), config);
  if (err) throw err;
}
