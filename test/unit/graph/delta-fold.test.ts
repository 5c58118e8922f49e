import { describe, expect, it } from 'vitest';
import { foldGroupDeltaPage, foldUserDeltaPage } from '../../../src/graph/delta-fold';

const user = (id: string, removed?: 'deleted' | 'changed') => ({
  '@odata.type': '#microsoft.graph.user', id, ...(removed ? { '@removed': { reason: removed } } : {}),
});

describe('foldGroupDeltaPage', () => {
  it('folds the documented example page', () => {
    const changes = foldGroupDeltaPage([
      {
        id: '2e5807ce-58f3-4a94-9b37-ffff2e085957', displayName: 'LargeGroup', description: null,
        'members@delta': [
          user('37de1ae3-408f-4702-8636-20824abda004'),
          user('632f6bb2-3ec8-4c1f-9073-0027a8c68593', 'deleted'),
          { '@odata.type': '#microsoft.graph.group', id: 'c2f798fd-f95d-4623-8824-63aec21fffff' },
        ],
      },
      { id: 'ec22655c-8eb2-432a-b4ea-8b8a254bffff', '@removed': { reason: 'changed' } },
      { id: 'dead', '@removed': { reason: 'deleted' } },
    ]);
    expect(changes).toEqual([
      {
        kind: 'upsert',
        group: { id: '2e5807ce-58f3-4a94-9b37-ffff2e085957', displayName: 'LargeGroup', description: null },
        memberAdds: [
          { id: '37de1ae3-408f-4702-8636-20824abda004', kind: 'user' },
          { id: 'c2f798fd-f95d-4623-8824-63aec21fffff', kind: 'group' },
        ],
        memberRemoves: [{ id: '632f6bb2-3ec8-4c1f-9073-0027a8c68593', kind: 'user' }],
      },
      { kind: 'softDeleted', id: 'ec22655c-8eb2-432a-b4ea-8b8a254bffff' },
      { kind: 'deleted', id: 'dead' },
    ]);
  });

  it('an entry without members@delta is an upsert without member changes', () => {
    expect(foldGroupDeltaPage([{ id: 'g', displayName: 'Renamed' }])).toEqual([
      { kind: 'upsert', group: { id: 'g', displayName: 'Renamed' }, memberAdds: [], memberRemoves: [] },
    ]);
  });

  it('merges repeats of a group within one page, later entries winning', () => {
    const changes = foldGroupDeltaPage([
      { id: 'g', displayName: 'A', 'members@delta': [user('u1'), user('u2')] },
      { id: 'other', displayName: 'O' },
      { id: 'g', 'members@delta': [user('u2', 'deleted'), user('u3')] },
    ]);
    expect(changes).toEqual([
      {
        kind: 'upsert', group: { id: 'g', displayName: 'A' },
        memberAdds: [{ id: 'u1', kind: 'user' }, { id: 'u3', kind: 'user' }],
        memberRemoves: [{ id: 'u2', kind: 'user' }],
      },
      { kind: 'upsert', group: { id: 'other', displayName: 'O' }, memberAdds: [], memberRemoves: [] },
    ]);
  });

  it('a removal after an upsert in the same page wins, and a restore after a removal too', () => {
    expect(foldGroupDeltaPage([{ id: 'g', displayName: 'A' }, { id: 'g', '@removed': { reason: 'changed' } }])).toEqual([
      { kind: 'softDeleted', id: 'g' },
    ]);
    expect(foldGroupDeltaPage([{ id: 'g', '@removed': { reason: 'changed' } }, { id: 'g', displayName: 'A' }])).toEqual([
      { kind: 'upsert', group: { id: 'g', displayName: 'A' }, memberAdds: [], memberRemoves: [] },
    ]);
  });

  it('continuation chunks on later pages stay separate upserts carrying only members', () => {
    const page1 = foldGroupDeltaPage([{ id: 'big', displayName: 'Big', 'members@delta': [user('u1')] }]);
    const page2 = foldGroupDeltaPage([{ id: 'big', 'members@delta': [user('u2'), user('u3')] }]);
    expect(page1).toEqual([{ kind: 'upsert', group: { id: 'big', displayName: 'Big' }, memberAdds: [{ id: 'u1', kind: 'user' }], memberRemoves: [] }]);
    expect(page2).toEqual([
      { kind: 'upsert', group: { id: 'big' }, memberAdds: [{ id: 'u2', kind: 'user' }, { id: 'u3', kind: 'user' }], memberRemoves: [] },
    ]);
  });

  it('merges extension attributes across repeats and ignores malformed entries', () => {
    const changes = foldGroupDeltaPage(
      [null, { noId: true }, { id: 'g', extension_a_X: 1 }, { id: 'g', extension_a_Y: 'y', 'members@delta': [null, { x: 1 }] }],
      ['extension_a_X', 'extension_a_Y'],
    );
    expect(changes).toEqual([
      { kind: 'upsert', group: { id: 'g', extra: { extension_a_X: 1, extension_a_Y: 'y' } }, memberAdds: [], memberRemoves: [] },
    ]);
  });
});

describe('foldUserDeltaPage', () => {
  it('maps upserts with only carried properties and removals by reason', () => {
    expect(
      foldUserDeltaPage([
        { id: 'u1', onPremisesImmutableId: 'abc=', onPremisesSyncEnabled: true },
        { id: 'u2', '@removed': { reason: 'changed' } },
        { id: 'u3', '@removed': { reason: 'deleted' } },
        { id: 'u1', userPrincipalName: 'a@b.c' },
      ]),
    ).toEqual([
      { kind: 'softDeleted', id: 'u2' },
      { kind: 'deleted', id: 'u3' },
      { kind: 'upsert', user: { id: 'u1', onPremisesImmutableId: 'abc=', onPremisesSyncEnabled: true, userPrincipalName: 'a@b.c' } },
    ]);
  });
});
