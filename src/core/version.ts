import { memoryMode } from './memory-mode';

declare const __GWB_VERSION__: string | undefined;

/** The core's version, stamped in by the bundler from package.json (falls back when run from source). */
export const CORE_VERSION: string = typeof __GWB_VERSION__ === 'string' ? __GWB_VERSION__ : '0.0.0-dev';

/** RPC protocol version: bump on incompatible changes to docs/protocol.md. */
export const PROTOCOL_VERSION = 1;

export const MIN_NODE_MAJOR = 20;

export function versionInfo() {
  return {
    core: CORE_VERSION,
    protocol: PROTOCOL_VERSION,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    /** GWB_MEMORY_MODE this process runs in (lean or fast; null if the entry point did not apply one). */
    memoryMode: memoryMode() ?? null,
  };
}
