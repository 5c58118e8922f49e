/**
 * Shared plumbing of the engine operations (scope, plan, run, on-demand, verify, status, log, approve-deletes,
 * reset): load the configuration, open the state store, take its lock, open and close the ports.
 */
import { loadConfig } from '../config/load';
import type { ResolvedConfig, SecretPart } from '../config/types';
import type { OperationContext } from '../core/operation';
import { openPorts, type Ports } from '../engine/connect';
import type { GroupMapper } from '../engine/map';
import { createMapper } from '../engine/mapper';
import { StateStore } from '../state/store';
import type { StateLock } from '../state/lock';
import { requireConfigPath } from './config-file';

export interface ConfigParams {
  /** Path of the configuration file (docs/configuration.md). */
  configPath: string;
}

/**
 * Load the configuration with the secrets the verb needs: all of them by default (plan, run, verify, on-demand),
 * only some parts (`secrets: ['tenant']` for scope, which reads Graph only), or none (`secrets: false`) for verbs
 * that only read/write the state store.
 */
export function configFor(params: ConfigParams, ctx: OperationContext, opts: { secrets?: boolean | readonly SecretPart[] } = {}): ResolvedConfig {
  const path = requireConfigPath(params.configPath);
  if (opts.secrets === false) return loadConfig(path, { withoutSecrets: true });
  return loadConfig(path, { secrets: ctx.secrets, ...(Array.isArray(opts.secrets) ? { secretsFor: opts.secrets } : {}) });
}

export function openStore(config: ResolvedConfig, ctx: OperationContext): StateStore {
  const { store, recovered } = StateStore.open(config.state.path);
  if (recovered) ctx.sink.warn(`The state store could not be read (${recovered}); the next cycle is a full one.`);
  return store;
}

/** Run `fn` holding the state store's lock; the store is re-read after the lock is taken. */
export async function withLockedStore<T>(config: ResolvedConfig, ctx: OperationContext, purpose: string, fn: (store: StateStore, lock: StateLock) => Promise<T>): Promise<T> {
  const first = openStore(config, ctx);
  const lock = first.lock(purpose);
  try {
    const store = openStore(config, ctx);
    return await fn(store, lock);
  } finally {
    lock.release();
  }
}

export interface Session {
  config: ResolvedConfig;
  mapper: GroupMapper;
  ports: Ports;
}

/** Open the Source and Target for a configuration; always closed afterwards. */
export async function withPorts<T>(config: ResolvedConfig, ctx: OperationContext, fn: (s: Session) => Promise<T>): Promise<T> {
  const mapper = createMapper(config);
  const ports = openPorts(config, mapper, ctx.sink);
  try {
    return await fn({ config, mapper, ports });
  } finally {
    await ports.close();
  }
}
