/** Public surface of the Microsoft Graph emulator (lab). See docs/graph-emulator.md. */
export { startGraphEmulator, type GraphEmulator, type GraphEmulatorOptions } from './emulator';
export { TenantStore, type MemberEntry, type StoreCounts } from './store';
export { FaultController, type FaultConfig, type FaultCounters, type ResourceUnitConfig } from './faults';
export { AppRegistry, DEFAULT_ROLES, type AppRegistration, type AppRegistrationInput } from './auth/apps';
export type { LoadResult } from './tenant-loader';
export type { GraphGroup, GraphUser, TenantFile, ObjectKind } from './types';
export { cloudSid, immutableIdFromGuid, guidToBytes, bytesToGuid, isGuid, newId } from './ids';
export type { Change, ChangeOp } from './changelog';
export type { StatsSnapshot } from './stats';
