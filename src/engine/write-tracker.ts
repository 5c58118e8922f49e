/**
 * A Target that remembers which objects this cycle wrote (normalized DNs, before and after a move), so drift
 * detection can tell the engine's own writes (which bump uSNChanged too) from changes made by someone else.
 * Every other call passes straight through to the wrapped Target.
 */
import { normalizeDn } from '../directory/dn';
import type { Target } from '../model/ports';

const WRITES = new Set(['createGroup', 'modifyGroup', 'deleteGroup', 'addMembers', 'removeMembers']);

export interface TrackedTarget {
  target: Target;
  /** Normalized DNs written so far. */
  written: Set<string>;
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
          written.add(key(dn));
          const to = await v.call(t, dn, newDn);
          written.add(key(typeof to === 'string' ? to : newDn));
          return to;
        };
      }
      if (typeof prop === 'string' && WRITES.has(prop)) {
        return (dn: string, ...rest: unknown[]) => {
          written.add(key(dn));
          return v.call(t, dn, ...rest);
        };
      }
      return v.bind(t);
    },
  });
  return { target, written };
}
