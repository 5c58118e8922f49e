export * from './types';
export { StateStore, STATE_FILE, RUNS_FILE } from './store';
export { acquireLock, lockHolder, readLock, type StateLock, type LockInfo } from './lock';
export { writeFileAtomic } from './atomic';
export { StateLockedError, StateStoreError } from './errors';
export { ProvisioningLog, queryLog, matches as logEntryMatches, type LogEntry, type LogQuery, type LogAction, type LogResult, type ModifiedProperty } from './log';
export type { JobStore, StoreLock, StateRequest } from './port';
export { DirectoryStateStore } from './directory-store';
