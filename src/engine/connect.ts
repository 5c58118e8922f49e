/**
 * Wiring a configuration to the real ports: the Graph Source (graph/) and the LDAP Target (directory/).
 * Nothing here decides anything; it only translates settings.
 */
import type { EventSink } from '../core/events';
import type { ResolvedConfig } from '../config/types';
import { LdapTarget, type LdapTargetOptions } from '../directory';
import { kerberosConnector } from '../directory/sdsp';
import { createGraphSource, type GraphConnection } from '../graph';
import { GROUP_PROPERTIES } from '../graph/properties';
import { compileExpression, type MappingRule } from '../mapping';
import type { Source, Target } from '../model/ports';
import type { GroupMapper } from './map';

export interface Ports {
  source: Source;
  target: Target;
  close(): Promise<void>;
}

export function graphConnection(config: ResolvedConfig): GraphConnection {
  return config.tenant;
}

/** Aliases the mapping layer and scope filters understand but Graph does not serve. */
const NOT_GRAPH = new Set(['objectid', 'dirsyncenabled', 'members', 'iscloudmanaged']);

/** Group properties that scope filters and mappings read beyond the standard set (e.g. directory extensions). */
export function extraGroupProperties(config: ResolvedConfig): string[] {
  const names = new Set<string>();
  for (const f of config.scope.filters) for (const c of f) names.add(c.attribute);
  for (const r of config.mappings as MappingRule[]) {
    if (!r || typeof r !== 'object' || typeof r.source !== 'string') continue;
    if (r.type === 'Direct') names.add(r.source.trim().replace(/^\[(.*)\]$/, '$1'));
    if (r.type === 'Expression') {
      try {
        for (const a of compileExpression(r.source).attributes) names.add(a);
      } catch {
        /* reported by compileMappings */
      }
    }
  }
  const standard = new Set(GROUP_PROPERTIES.map((p) => p.toLowerCase()));
  return [...names].filter((n) => !standard.has(n.toLowerCase()) && !NOT_GRAPH.has(n.toLowerCase()));
}

/**
 * How the Target reaches the DCs: ldapts with a simple bind, or (directory.auth kerberos) connections opened by the
 * Kerberos driver (S.DS.P through edge-js, loaded on first use). Same Target either way.
 */
export function directoryConnection(d: ResolvedConfig['directory']): Pick<LdapTargetOptions, 'bindDn' | 'password' | 'connector'> {
  if (d.auth.type !== 'kerberos') return { bindDn: d.bindDn, password: d.password };
  return {
    bindDn: d.auth.principal ?? 'the Kerberos identity of this process',
    password: '',
    connector: kerberosConnector({ auth: d.auth, timeoutMs: d.timeoutMs, ...(d.caFile ? { caFile: d.caFile } : {}) }),
  };
}

export function openTarget(config: ResolvedConfig, mapper?: GroupMapper): LdapTarget {
  const d = config.directory;
  return new LdapTarget({
    urls: d.urls,
    baseDn: d.baseDn,
    ...directoryConnection(d),
    ...(d.caFile ? { caFile: d.caFile } : {}),
    connections: d.connections,
    batchSize: config.membership.batchSize,
    timeoutMs: d.timeoutMs,
    rangeSize: d.memberRangeSize,
    ...(mapper ? { groupAttributes: mapper.targetAttributes } : {}),
  });
}

export function openSource(config: ResolvedConfig, sink?: EventSink): Source {
  return createGraphSource(graphConnection(config), {
    extraGroupProperties: extraGroupProperties(config),
    ...(config.tenant.timeoutMs !== undefined ? { requestTimeoutMs: config.tenant.timeoutMs } : {}),
    resourceUnitBudget: config.tenant.resourceUnitBudget,
    ...(sink ? { events: sink } : {}),
  });
}

export function openPorts(config: ResolvedConfig, mapper: GroupMapper, sink?: EventSink): Ports {
  const source = openSource(config, sink);
  const target = openTarget(config, mapper);
  return {
    source,
    target,
    async close() {
      await Promise.allSettled([target.close(), (source as Source & { close?: () => Promise<void> }).close?.() ?? Promise.resolve()]);
    },
  };
}
