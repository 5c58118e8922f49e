/** The source object mappings evaluate against, built from the Source port's CloudGroup snapshot. */
import type { CloudGroup } from '../model/cloud';

/**
 * Flatten a CloudGroup into attribute → value: its fields, `extra` (directory extensions and any further Graph
 * properties), `objectId` (= id, the name Cloud Sync's expressions use), `dirSyncEnabled` (= onPremisesSyncEnabled)
 * and `members` as a list of member ids.
 */
export function groupToSource(group: CloudGroup): Record<string, unknown> {
  const { extra, members, ...fields } = group;
  return {
    ...(extra ?? {}),
    ...fields,
    objectId: group.id,
    dirSyncEnabled: group.onPremisesSyncEnabled,
    ...(members ? { members: members.map((m) => m.id) } : {}),
  };
}
