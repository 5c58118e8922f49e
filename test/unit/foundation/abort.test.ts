import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortScope } from '../../../src/core/abort';

describe('abortScope', () => {
  it("aborts with the parent's reason and unhooks from every parent", () => {
    const cancel = new AbortController();
    const lease = new AbortController();
    const s = abortScope(cancel.signal, lease.signal);
    expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(1);
    const lost = new Error('lease lost');
    lease.abort(lost);
    expect(s.signal.aborted).toBe(true);
    expect(s.signal.reason).toBe(lost);
    expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(lease.signal, 'abort')).toHaveLength(0);
  });

  it('aborts on its own controller without touching the parents; dispose unhooks', () => {
    const cancel = new AbortController();
    const s = abortScope(cancel.signal, undefined);
    s.controller.abort(new Error('every DC given up'));
    expect(s.signal.aborted).toBe(true);
    expect(cancel.signal.aborted).toBe(false);
    s.dispose();
    s.dispose();
    expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0);
    cancel.abort();
    expect((s.signal.reason as Error).message).toBe('every DC given up');
  });

  it('is born aborted under an aborted parent and hooks nothing', () => {
    const live = new AbortController();
    const gone = AbortSignal.abort(new Error('stopped'));
    const s = abortScope(live.signal, gone);
    expect(s.signal.aborted).toBe(true);
    expect((s.signal.reason as Error).message).toBe('stopped');
    expect(getEventListeners(live.signal, 'abort')).toHaveLength(0);
  });

  it('a thousand scopes on one long-lived signal leave nothing behind once disposed', () => {
    const process = new AbortController();
    for (let i = 0; i < 1000; i++) abortScope(process.signal).dispose();
    expect(getEventListeners(process.signal, 'abort')).toHaveLength(0);
  });
});
