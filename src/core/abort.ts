/**
 * A short-lived abort scope under long-lived signals: the scope aborts when any parent aborts (with that parent's
 * reason) or when its own controller is aborted, and `dispose()` unhooks it from the parents again.
 *
 * Why not `AbortSignal.any([parent, own])`: in Node 20 every `AbortSignal.any()` leaves an entry in each source
 * signal's dependant set that is never removed while the source lives (nodejs/node#55351, fixed only in later
 * majors). Watch mode runs a cycle every few seconds under signals that live as long as the process (Ctrl+C, the
 * lease), so one `any()` per cycle grows the heap for ever. A listener that is removed again leaves nothing.
 */
export interface AbortScope {
  /** Aborts when a parent aborts or `controller.abort()` is called. */
  readonly signal: AbortSignal;
  readonly controller: AbortController;
  /** Unhook from the parents (idempotent). The scope's own signal keeps its state. */
  dispose(): void;
}

export function abortScope(...parents: Array<AbortSignal | undefined>): AbortScope {
  const controller = new AbortController();
  const hooks: Array<[AbortSignal, () => void]> = [];
  const dispose = () => {
    for (const [p, fn] of hooks.splice(0)) p.removeEventListener('abort', fn);
  };
  for (const p of parents) {
    if (!p) continue;
    if (p.aborted) {
      controller.abort(p.reason);
      break;
    }
    const fn = () => {
      dispose();
      controller.abort(p.reason);
    };
    p.addEventListener('abort', fn, { once: true });
    hooks.push([p, fn]);
  }
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, controller, dispose };
}
