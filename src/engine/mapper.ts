/** The GroupMapper of a configuration: the default mappings (spec §4) merged with config.mappings, compiled once. */
import type { ResolvedConfig } from '../config/types';
import { compileMappings, defaultMappings, groupToSource, mergeMappings, type MappingRule } from '../mapping';
import { desiredFromMapped, type GroupMapper } from './map';

export function createMapper(config: Pick<ResolvedConfig, 'target' | 'mappings'>): GroupMapper {
  const rules = mergeMappings(defaultMappings({ targetContainer: config.target.container }), config.mappings as MappingRule[]);
  const compiled = compileMappings(rules);
  const pseudo = new Set(['cn', 'parentdistinguishedname']);
  return {
    map: (group) => desiredFromMapped(group, compiled.map(groupToSource(group))),
    targetAttributes: compiled.targets.filter((t) => !pseudo.has(t.toLowerCase())),
  };
}
