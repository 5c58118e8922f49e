/**
 * A Target that remembers which objects this cycle wrote (their DNs, before and after a move), so drift
 * detection can tell the engine's own writes (which bump uSNChanged too) from changes made by someone else.
 * Every other call passes straight through to the wrapped Target.
 *
 * The DNs are held AS GIVEN, and compared case- and escaping-insensitively only when asked (`unwritten`): the
 * engine passes the very DN strings its state records hold (group-step.ts flattens a DN before writing it), so a
 * written group costs one set slot here, not a second, normalized copy of its DN (80 bytes a group, held for the
 * whole cycle: 4 MB at 50,000 groups, and V8 sizes the heap as a multiple of what is held).
 */
import { normalizeDn } from '../directory/dn';
import type { Target } from '../model/ports';

const WRITES = new Set(['createGroup', 'modifyGroup', 'deleteGroup', 'addMembers', 'removeMembers']);

export interface TrackedTarget {
  target: Target;
  /** Of `dns`, the ones this cycle did NOT write (DN comparison is case- and escaping-insensitive). */
  unwritten(dns: readonly string[]): string[];
  /** How many distinct DN strings were written (tests). */
  readonly writtenCount: number;
}

function key(dn: string): string {
  try {
    return normalizeDn(dn);
  } catch {
    return dn.toLowerCase();
  }
}

export function trackWrites(inner: Target): TrackedTarget {
  const written = new Set<string>();
  const target = new Proxy(inner, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== 'function') return v;
      if (prop === 'moveGroup') {
        return async (dn: string, newDn: string) => {
          written.add(dn);
          const to = await v.call(t, dn, newDn);
          // The caller's string when the target answers with the same text (the one the state record keeps).
          written.add(typeof to === 'string' && to !== newDn ? to : newDn);
          return to;
        };
      }
      if (typeof prop === 'string' && WRITES.has(prop)) {
        return (dn: string, ...rest: unknown[]) => {
          written.add(dn);
          return v.call(t, dn, ...rest);
        };
      }
      return v.bind(t);
    },
  });
  return {
    target,
    unwritten(dns) {
      if (dns.length === 0) return [];
      // Few candidates, many writes: key the candidates, then strike every written DN off (its key made only now).
      const left = new Map<string, string[]>();
      for (const dn of dns) {
        const k = key(dn);
        const same = left.get(k);
        if (same) same.push(dn);
        else left.set(k, [dn]);
      }
      for (const dn of written) {
        left.delete(key(dn));
        if (left.size === 0) break;
      }
      return [...left.values()].flat();
    },
    get writtenCount() {
      return written.size;
    },
  };
}
