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

describe('MemberTable arena', () => {
  const refsOf = (n: number, kind: MemberRef['kind'] = 'user'): MemberRef[] => Array.from({ length: n }, () => ({ id: randomUUID(), kind }));

  it('gives back interleaved chunks of several groups in order, across arena blocks', () => {
    const t = new MemberTable(4);
    const a = refsOf(7);
    const b = [...refsOf(3, 'group'), ...refsOf(6, 'device')];
    t.add('A', a.slice(0, 3));
    t.add('B', b.slice(0, 5));
    t.add('A', a.slice(3, 4));
    t.add('A', a.slice(4));
    t.add('B', b.slice(5));
    expect(all(t, 'a')).toEqual(a);
    expect(all(t, 'b', 2)).toEqual(b);
    expect([...t.pages('b', 4)].map((p) => p.length)).toEqual([4, 4, 1]);
    expect(t.memberCount).toBe(16);
    expect(t.size).toBe(2);
  });

  it('round-trips every member kind and upper-case GUIDs (as lower case)', () => {
    const t = new MemberTable(3);
    const kinds: MemberRef['kind'][] = ['user', 'group', 'device', 'orgContact', 'servicePrincipal', 'other'];
    const refs = kinds.map((kind) => ({ id: randomUUID().toUpperCase(), kind }));
    t.add('g', refs);
    expect(all(t, 'g')).toEqual(refs.map((r) => ({ id: r.id.toLowerCase(), kind: r.kind })));
  });

  it('keeps non-GUID ids aside (after the GUID members) and counts and releases them', () => {
    const t = new MemberTable(4);
    const guids = refsOf(5);
    t.add('g', [guids[0], { id: 'Not-A-Guid', kind: 'user' }, ...guids.slice(1), { id: '12345', kind: 'group' }]);
    expect(all(t, 'g')).toEqual([...guids, { id: 'not-a-guid', kind: 'user' }, { id: '12345', kind: 'group' }]);
    expect(t.memberCount).toBe(7);
    t.release('g');
    expect(t.memberCount).toBe(0);
    expect(all(t, 'g')).toEqual([]);
  });

  it('drops removed members, also across blocks; a member added again after its removal is kept', () => {
    const t = new MemberTable(2);
    const r = refsOf(5);
    t.add('g', r);
    t.remove('g', [r[1], r[4]]);
    expect(all(t, 'g')).toEqual([r[0], r[2], r[3]]);
    t.add('g', [r[4]]);
    expect(all(t, 'g')).toEqual([r[0], r[2], r[3], r[4], r[4]]);
    // A removal reported for a group not seen yet makes it known (with no members).
    t.remove('other', [r[0]]);
    expect(t.has('other')).toBe(true);
    expect(all(t, 'other')).toEqual([]);
  });

  it('lets an arena block go once every group with records in it is released, and keeps the others readable', () => {
    const t = new MemberTable(4);
    const groups = Array.from({ length: 6 }, (_, i) => ({ id: `g${i}`, refs: refsOf(2) }));
    for (const g of groups) t.add(g.id, g.refs);
    expect(t.heldBlocks).toBe(3);
    t.release('g0');
    expect(t.heldBlocks).toBe(3);
    t.release('g1');
    expect(t.heldBlocks).toBe(2);
    t.release('g3');
    expect(t.heldBlocks).toBe(2);
    for (const g of groups.filter((x) => ['g2', 'g4', 'g5'].includes(x.id))) expect(all(t, g.id)).toEqual(g.refs);
    // The block being filled stays even when empty; new members go after the others.
    t.release('g4');
    t.release('g5');
    const late = refsOf(3);
    t.add('late', late);
    expect(all(t, 'late')).toEqual(late);
    expect(all(t, 'g2')).toEqual(groups[2].refs);
    expect(t.memberCount).toBe(5);
    expect(t.has('g4')).toBe(false);
  });
});
