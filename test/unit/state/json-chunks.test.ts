import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonChunks } from '../../../src/state/json-chunks';
import { StateStore, STATE_FILE } from '../../../src/state/store';
import { emptyState, type StateDoc } from '../../../src/state/types';

function sampleDoc(groups: number): StateDoc {
  const doc: StateDoc = { ...emptyState(), deltaLink: 'https://graph.microsoft.com/v1.0/groups/delta?$deltatoken=a"b\\c', configHash: undefined, consecutiveFailures: 2 };
  for (let i = 0; i < groups; i++) {
    doc.groups[`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`] = {
      dn: `CN=Grüppe "${i}"\\, ✓,OU=Groups,DC=lab,DC=example,DC=com`,
      objectGuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      status: i % 3 === 0 ? 'released' : 'managed',
      since: '2026-12-03T14:00:00.000Z',
      ...(i % 5 === 0 ? { writtenMembers: ['cn=a,dc=x', 'cn=b,dc=x'] } : {}),
    };
  }
  doc.failed['g1'] = { groupId: 'g1', attempts: 1, firstAt: 'x', lastAt: 'y', error: { code: 'E', message: 'line\nbreak' } };
  doc.held.push({ id: 'b1', createdAt: 'now', cycleId: 'c', status: 'held', reason: 'r', threshold: 5, actions: [] });
  doc.nestedWaiting = {};
  (doc as unknown as Record<string, unknown>).dropped = () => 1;
  return doc;
}

describe('jsonChunks', () => {
  it('is exactly JSON.stringify, in chunks of about the size asked', () => {
    const doc = sampleDoc(500);
    const chunks = [...jsonChunks(doc, 4096)];
    expect(chunks.join('')).toBe(JSON.stringify(doc));
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(4096 + 1024);
  });

  it('writes empty objects, nested plain objects whole, and non-object documents as JSON.stringify does', () => {
    for (const doc of [emptyState(), { a: { b: { c: [1, { d: undefined }] } }, e: undefined, f: null, g: {} }, [1, 2], 'text', 5, null, { toJSON: () => ({ x: 1 }) }, { o: { toJSON: () => 'y' } }, { o: new Date(0) }, { m: JSON.parse('{"b":1,"__proto__":{"x":2},"10":3,"2":4,"u":null}') }, { m: { a: undefined, b: () => 1 }, n: { a: undefined, b: 2 } }]) {
      for (const size of [1, 1024, 4096]) expect([...jsonChunks(doc, size)].join('')).toBe(JSON.stringify(doc));
    }
  });

  it('a saved state reads back the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gwb-chunks-'));
    try {
      const doc = sampleDoc(2000);
      const { store } = StateStore.open(dir);
      store.doc = doc;
      store.save();
      expect(readFileSync(join(dir, STATE_FILE), 'utf8')).toBe(JSON.stringify(doc));
      expect(StateStore.open(dir).store.doc).toEqual(JSON.parse(JSON.stringify(doc)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
