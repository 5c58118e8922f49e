import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { MemberTable } from '../../../src/engine/member-table';
import type { MemberRef } from '../../../src/model/cloud';

const all = (t: MemberTable, id: string, size?: number) => [...t.pages(id, size)].flat();

describe('MemberTable', () => {
  it('keeps members across chunks compactly and gives them back in pages', () => {
    const t = new MemberTable();
    const refs: MemberRef[] = Array.from({ length: 2500 }, (_, i) => ({ id: randomUUID(), kind: i % 10 === 0 ? 'group' : 'user' }));
    t.add('G1', refs.slice(0, 1000));
    t.add('g1', refs.slice(1000));
    t.touch('empty');
    expect(t.has('G1')).toBe(true);
    expect(t.has('empty')).toBe(true);
    expect(all(t, 'empty')).toEqual([]);
    expect(t.memberCount).toBe(2500);
    const pages = [...t.pages('g1', 1000)];
    expect(pages.map((p) => p.length)).toEqual([1000, 1000, 500]);
    expect(pages.flat()).toEqual(refs);
  });

  it('drops members reported removed later in the round; keeps non-GUID ids as they are', () => {
    const t = new MemberTable();
    const a = randomUUID();
    const b = randomUUID().toUpperCase();
    t.add('g', [{ id: a, kind: 'user' }, { id: b, kind: 'user' }, { id: 'not-a-guid', kind: 'device' }]);
    t.remove('g', [{ id: b, kind: 'user' }]);
    expect(all(t, 'g')).toEqual([{ id: a, kind: 'user' }, { id: 'not-a-guid', kind: 'device' }]);
  });

  it('forgets a released group (later reads go to Graph)', () => {
    const t = new MemberTable();
    t.add('g', [{ id: randomUUID(), kind: 'user' }]);
    t.release('g');
    expect(t.has('g')).toBe(false);
    expect(t.memberCount).toBe(0);
  });
});
