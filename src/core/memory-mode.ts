/**
 * How the core's JavaScript heap trades memory for CPU, set once when the process starts (GWB_MEMORY_MODE).
 *
 * - `lean` (the default): V8's memory-saving mode (LEAN_FLAGS, set at run time). V8 otherwise lets its
 *   old generation grow to up to four times what survived the last full collection whenever the program allocates
 *   fast — a full cycle at 50,000 groups peaked at 379–436 MiB that way against 248–263 MiB at 10,000, though it
 *   holds only ≈ 20 MiB more. Lean keeps the heap close to what is held: 159–162 vs 133–138 MiB (bench/RESULTS.md,
 *   issue 13), at ≈ 1.3× the core's own CPU against a real DC (a cycle waits on LDAP most of the time: no wall time).
 * - `fast`: V8's defaults — the least CPU, the most memory headroom (one job on a machine with memory to spare).
 */
import { setFlagsFromString } from 'node:v8';
import { GwbError } from './errors';

export const MEMORY_MODE_ENV = 'GWB_MEMORY_MODE';

/**
 * V8 flags of the lean mode, both read by V8 while it runs (so they work set at run time):
 * - `--optimize-for-size`: the old generation's limit stays close to what survived the last full collection;
 * - `--semi-space-growth-factor=1`: the young generation keeps its first size (1 MiB semi-spaces) instead of
 *   doubling up to 16 MiB each while many objects survive — at 50,000 groups it doubled near the end of the object
 *   phase, 16 → 32 MiB committed, and whether the peak came before or after that decided ±15 MiB of it (the
 *   benchmark's run-to-run spread). It costs more (cheap) scavenges; against a real DC at 10,000 groups the core's
 *   CPU stayed within its run-to-run spread (20.8–23.5 CPU-s, 21.4–23.6 without the flag).
 */
export const LEAN_FLAGS = ['--optimize-for-size', '--semi-space-growth-factor=1'] as const;
export type MemoryMode = 'lean' | 'fast';

let applied: MemoryMode | undefined;

/** Reads GWB_MEMORY_MODE (unset or empty: lean) and applies it; throws on an unknown value. */
export function applyMemoryMode(env: NodeJS.ProcessEnv = process.env): MemoryMode {
  const raw = (env[MEMORY_MODE_ENV] ?? '').trim().toLowerCase();
  const mode = raw === '' ? 'lean' : raw;
  if (mode !== 'lean' && mode !== 'fast') {
    throw new GwbError(`${MEMORY_MODE_ENV} is '${env[MEMORY_MODE_ENV]}': it must be 'lean' or 'fast'.`, {
      code: 'InvalidMemoryMode',
      category: 'InvalidArgument',
      target: MEMORY_MODE_ENV,
      hint: `Unset ${MEMORY_MODE_ENV} (lean: the least memory) or set it to 'fast' (V8's defaults: less CPU, more memory).`,
    });
  }
  if (mode === 'lean' && applied !== 'lean') for (const flag of LEAN_FLAGS) setFlagsFromString(flag);
  applied = mode;
  return mode;
}

/** The mode this process runs in (undefined before applyMemoryMode). */
export function memoryMode(): MemoryMode | undefined {
  return applied;
}
