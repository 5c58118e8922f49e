/**
 * The state store port: where a job keeps its StateDoc and run history between cycles, and how one writer at a
 * time is guaranteed. Two implementations:
 *   - StateStore (store.ts): a local folder; the lock is a pid file (one machine).
 *   - DirectoryStateStore (directory-store.ts): one AD object per job; the lock is a lease taken with an LDAP
 *     compare-and-swap, so several workers (an Azure Automation hybrid worker group) share one job.
 * The provisioning log is always local (`logDir`).
 * Methods may answer synchronously (file store) or asynchronously (directory store): callers always `await`.
 */
import type { StateDoc } from './types';

type MaybePromise<T> = T | Promise<T>;

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  purpose: string;
  /** Directory lease: when it lapses unless renewed (ISO, the lease DC's clock). */
  expiresAt?: string;
  /** Directory lease: the holder's worker id. */
  holder?: string;
  /** Directory lease: the holder whose lease had expired when this one was taken (it died or stopped renewing). */
  tookOverFrom?: { holder: string; expiresAt: string };
}

export interface StoreLock {
  readonly info: LockInfo;
  /** Aborted when the lock is lost (a directory lease that could not be renewed): stop writing at once. */
  readonly signal?: AbortSignal;
  release(): MaybePromise<void>;
}

/**
 * A change asked for by someone who does not hold the lock (approve-deletes, reset): the directory store queues
 * it in the job's object and the lock holder applies it before its next cycle.
 */
export type StateRequest =
  | { op: 'approve'; batchId?: string; at: string; by: string }
  | { op: 'reset'; full?: boolean; clearFailed?: boolean; at: string; by: string };

export interface JobStore {
  readonly kind: 'file' | 'directory';
  /** Folder or DN, for messages. */
  readonly location: string;
  doc: StateDoc;
  /** Folder of the local provisioning log. */
  readonly logDir: string;
  save(): MaybePromise<void>;
  lock(purpose: string): MaybePromise<StoreLock>;
  lockHolder(): MaybePromise<LockInfo | undefined>;
  readRuns<T = unknown>(): MaybePromise<T[]>;
  appendRun(run: unknown): MaybePromise<void>;
  /**
   * The end of a cycle: save the state AND append its run summary, in as few writes as the store can — the
   * directory store keeps both in one AD attribute, so this is ONE replace of it (save() then appendRun() was two,
   * each the whole state: megabytes at 50,000 groups, replicated to every DC, every cycle).
   */
  saveWithRun(run: unknown): MaybePromise<void>;
  /**
   * Requests waiting for the lock holder (directory store; the file store applies changes under its lock and has
   * none). `consumeRequests` removes them with the next save.
   */
  pendingRequests?(): StateRequest[];
  consumeRequests?(requests: StateRequest[]): void;
  /** Queue a request for the holder (directory store only). */
  enqueueRequest?(request: StateRequest): Promise<void>;
  /** Release connections. */
  close?(): MaybePromise<void>;
}
