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
import { ConfigError } from '../core/errors';
import { DirectoryStateStore, type DirectoryStoreOptions } from '../state/directory-store';
import type { JobStore, StoreLock } from '../state/port';
import { StateStore } from '../state/store';
import { applyQueuedRequests } from './requests';
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

/**
 * The configuration for verbs that only touch the state store (status, log, approve-deletes, reset): no secret
 * for the file store; the directory password for the directory store (its state lives in AD).
 */
export function configForStore(params: ConfigParams, ctx: OperationContext): ResolvedConfig {
  const bare = configFor(params, ctx, { secrets: false });
  return bare.state.store === 'directory' ? configFor(params, ctx, { secrets: ['directory'] }) : bare;
}

export function directoryStoreOptions(config: ResolvedConfig): DirectoryStoreOptions {
  const d = config.directory;
  if (!config.state.dn) throw new ConfigError('state.store is "directory" but state.dn is not set.', { target: 'state.dn', hint: 'Set state.dn to the DN of the job object (docs/hybrid-workers.md).' });
  return {
    url: config.state.url ?? d.urls[0],
    bindDn: d.bindDn,
    password: d.password,
    ...(d.caFile ? { caFile: d.caFile } : {}),
    timeoutMs: d.timeoutMs,
    dn: config.state.dn,
    localDir: config.state.path,
    leaseMs: config.state.leaseSeconds * 1000,
  };
}

/** Open the job's state store (file or directory, per state.store). Close it with `closeStore`. */
export async function openStore(config: ResolvedConfig, ctx: OperationContext): Promise<JobStore> {
  const { store, recovered } = config.state.store === 'directory' ? await DirectoryStateStore.open(directoryStoreOptions(config)) : StateStore.open(config.state.path);
  if (recovered) ctx.sink.warn(`The state store could not be read (${recovered}); the next cycle is a full one.`);
  return store;
}

export async function closeStore(store: JobStore): Promise<void> {
  await store.close?.();
}

/** Run `fn` with an open store (closed afterwards). */
export async function withStore<T>(config: ResolvedConfig, ctx: OperationContext, fn: (store: JobStore) => Promise<T>): Promise<T> {
  const store = await openStore(config, ctx);
  try {
    return await fn(store);
  } finally {
    await closeStore(store);
  }
}

/**
 * Run `fn` holding the state store's lock (file lock, or directory lease); the state is re-read after the lock
 * is taken and requests queued by other workers (approvals, resets) are applied first. `lock.signal` aborts when
 * a directory lease is lost: pass it on to anything that writes.
 */
export async function withLockedStore<T>(config: ResolvedConfig, ctx: OperationContext, purpose: string, fn: (store: JobStore, lock: StoreLock) => Promise<T>): Promise<T> {
  const first = await openStore(config, ctx);
  let store: JobStore = first;
  let lock: StoreLock | undefined;
  try {
    lock = await first.lock(purpose);
    if (first.kind === 'file') store = await openStore(config, ctx); // re-read under the lock
    await applyQueuedRequests(store, ctx);
    return await fn(store, lock);
  } finally {
    await lock?.release();
    if (store !== first) await closeStore(store);
    await closeStore(first);
  }
}

/** A signal that aborts with either the caller's cancel or the loss of the lock. */
export function lockedSignal(ctx: OperationContext, lock: StoreLock): AbortSignal {
  return lock.signal ? AbortSignal.any([ctx.signal, lock.signal]) : ctx.signal;
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
