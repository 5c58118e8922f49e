/** The resolved configuration as the Graph and directory layers take it. */
import type { ResolvedConfig } from '../config';
import type { GraphConnection } from '../graph/options';
import type { LdapTargetOptions } from '../directory';
import { directoryConnection } from '../engine/connect';

/** graph/ takes the resolved tenant section as is. */
export function graphConnectionOf(c: ResolvedConfig): GraphConnection {
  return c.tenant;
}

/** Options for one LdapTarget; `urls` narrows it to some of the configured DCs. */
export function ldapTargetOptionsOf(c: ResolvedConfig, urls: string[] = c.directory.urls): LdapTargetOptions {
  return {
    urls,
    baseDn: c.directory.baseDn,
    ...directoryConnection(c.directory),
    ...(c.directory.caFile ? { caFile: c.directory.caFile } : {}),
    connections: 1,
    timeoutMs: c.directory.timeoutMs,
    connectTimeoutMs: Math.min(10_000, c.directory.timeoutMs),
  };
}
