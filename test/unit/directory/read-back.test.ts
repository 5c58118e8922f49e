import { describe, expect, it } from 'vitest';
import { ReadBackQueue, type ReadBackOptions } from '../../../src/directory/read-back';

/** A directory of names → values; `many` and `one` record what they were asked. */
function queue(entries: Record<string, string>, opts: Partial<ReadBackOptions<string, string | null>> = {}) {
  const calls = { many: [] as string[][], one: [] as string[] };
  const q = new ReadBackQueue<string, string | null>({
    many: async (keys) => {
      calls.many.push(keys);
      return new Map(keys.filter((k) => k in entries).map((k) => [k, entries[k]]));
    },
    one: async (key) => {
      calls.one.push(key);
      if (key.startsWith('broken')) throw new Error(`cannot read ${key}`);
      return entries[key] ?? null;
    },
    windowMs: 60_000, // a batch goes when every create has asked (never by the clock here)
    maxBatch: 100,
    ...opts,
  });
  return { q, calls };
}

describe('ReadBackQueue', () => {
  it('reads the creates under way together in one request', async () => {
    const { q, calls } = queue({ a: 'A', b: 'B', c: 'C' });
    const tickets = ['a', 'b', 'c'].map(() => q.begin());
    const reads = tickets.map((t, i) => t.read('abc'[i]));
    expect(await Promise.all(reads)).toEqual(['A', 'B', 'C']);
    expect(calls).toEqual({ many: [['a', 'b', 'c']], one: [] });
  });

  it('a lone create is read alone and at once', async () => {
    const { q, calls } = queue({ a: 'A' });
    expect(await q.begin().read('a')).toBe('A');
    expect(calls).toEqual({ many: [], one: ['a'] });
  });

  it('waits for creates still writing, and not for those that failed', async () => {
    const { q, calls } = queue({ a: 'A', b: 'B' });
    const [ta, tb, tc] = [q.begin(), q.begin(), q.begin()];
    let settled = false;
    const ra = ta.read('a').then((v) => ((settled = true), v));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // b and c are still writing
    tc.cancel();
    const rb = tb.read('b');
    expect(await Promise.all([ra, rb])).toEqual(['A', 'B']);
    expect(calls.many).toEqual([['a', 'b']]);
  });

  it('keeps errors per object: a key the batch misses is read alone, with its own result or error', async () => {
    const { q, calls } = queue({ a: 'A', c: 'C' });
    const t = ['a', 'gone', 'c', 'broken'].map(() => q.begin());
    const reads = ['a', 'gone', 'c', 'broken'].map((k, i) => t[i].read(k).then((v) => ({ v }), (e: Error) => ({ e: e.message })));
    expect(await Promise.all(reads)).toEqual([{ v: 'A' }, { v: null }, { v: 'C' }, { e: 'cannot read broken' }]);
    expect(calls.many).toEqual([['a', 'gone', 'c', 'broken']]);
    expect(calls.one).toEqual(['gone', 'broken']);
  });

  it('a failed batch read falls back to one read per key', async () => {
    const { q, calls } = queue({ a: 'A', b: 'B' }, { many: async () => { throw new Error('size limit exceeded'); } });
    const [ta, tb] = [q.begin(), q.begin()];
    expect(await Promise.all([ta.read('a'), tb.read('b')])).toEqual(['A', 'B']);
    expect(calls.one).toEqual(['a', 'b']);
  });

  it('sends at most maxBatch keys per request', async () => {
    const entries = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, `V${i}`]));
    const { q, calls } = queue(entries, { maxBatch: 2 });
    const t = Object.keys(entries).map(() => q.begin());
    expect(await Promise.all(Object.keys(entries).map((k, i) => t[i].read(k)))).toEqual(Object.values(entries));
    expect(calls.many.map((b) => b.length).sort()).toEqual([2, 2]);
    expect(calls.one).toEqual(['k4']); // the last one, alone when nothing else is under way
  });

  it('sends what waits when the window ends, though other creates are still writing', async () => {
    const { q, calls } = queue({ a: 'A', b: 'B' }, { windowMs: 5 });
    const [ta, tb] = [q.begin(), q.begin()];
    q.begin(); // a create that takes longer than the window
    expect(await Promise.all([ta.read('a'), tb.read('b')])).toEqual(['A', 'B']);
    expect(calls.many).toEqual([['a', 'b']]);
  });

  it('a ticket is used once', () => {
    const { q } = queue({});
    const t = q.begin();
    t.cancel();
    t.cancel(); // a second cancel is harmless
    expect(() => t.read('a')).toThrow(/used once/);
  });
});
