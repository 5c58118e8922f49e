import { describe, expect, it } from 'vitest';
import { normalizeDn } from '../../../src/directory/dn';
import { closeDriftWindow, driftBases, type DriftTarget } from '../../../src/engine/drift';
import { anchorOf } from '../../../src/engine/types';
import { trackWrites } from '../../../src/engine/write-tracker';
import type { Target } from '../../../src/model/ports';
import { emptyState, type GroupRecord, type StateDoc } from '../../../src/state/types';

const rec = (dn: string, status: GroupRecord['status'] = 'managed'): GroupRecord => ({ dn, objectGuid: '00000000-0000-0000-0000-000000000000', status, since: '2026-12-03T00:00:00Z' });

function state(...records: GroupRecord[]): StateDoc {
  const doc = emptyState();
  records.forEach((r, i) => (doc.groups[`g${i}`] = r));
  return doc;
}

describe('driftBases: the containers one drift search per container covers', () => {
  it('one base per distinct container, however each group DN is written (escaped, quoted, case, spaces)', () => {
    const doc = state(
      rec('CN=a,OU=Groups,DC=lab,DC=example'),
      rec('CN=Smith\\, John,OU=Groups,DC=lab,DC=example'),
      rec('CN="x, y",ou=groups, dc=LAB,DC=example'),
      rec('CN=b,OU=Sales\\2C EU,DC=lab,DC=example'),
      rec('CN=c,OU=Sales\\, EU,DC=lab,DC=example'),
      rec('CN=gone,OU=Elsewhere,DC=lab,DC=example', 'released'),
    );
    expect(driftBases(doc)?.map(normalizeDn)).toEqual(['ou=groups,dc=lab,dc=example', 'ou=sales\\, eu,dc=lab,dc=example']);
  });

  it('keeps only the top containers when one holds another', () => {
    const doc = state(rec('CN=a,OU=Groups,DC=lab'), rec('CN=b,OU=Team,OU=Groups,DC=lab'), rec('CN=c,OU=Team,OU=Groups,DC=lab'));
    expect(driftBases(doc)).toEqual(['OU=Groups,DC=lab']);
  });

  it('the whole search base (undefined) for more than 10 containers, none managed, or a malformed DN', () => {
    expect(driftBases(state(...Array.from({ length: 11 }, (_, i) => rec(`CN=g,OU=c${i},DC=lab`))))).toBeUndefined();
    expect(driftBases(state(...Array.from({ length: 10 }, (_, i) => rec(`CN=g,OU=c${i},DC=lab`))))?.length).toBe(10);
    expect(driftBases(state(rec('CN=a,OU=x,DC=lab', 'softDeleted')))).toBeUndefined();
    expect(driftBases(state(rec('CN=a,OU=x,DC=lab'), rec('CN=b,OU=x\\q,DC=lab')))).toBeUndefined();
    expect(driftBases(state(rec('CN=a,OU=x,DC=lab'), rec('CN="b,OU=x,DC=lab')))).toBeUndefined();
    expect(driftBases(state(rec('CN=a,OU=x,DC=lab'), rec('CN=b,')))).toBeUndefined();
  });

  it('a group at the top of the tree (one RDN) makes the root its container', () => {
    expect(driftBases(state(rec('DC=lab')))).toEqual(['']);
  });
});

describe('trackWrites + closeDriftWindow: the engine\'s own writes are not drift', () => {
  // A Target that accepts every call; moveGroup answers with the same text in another string (as a real one does).
  const inner = () =>
    ({
      createGroup: async (dn: string) => ({ dn: `${dn}`, objectGuid: 'g', anchor: null, attributes: {} }),
      modifyGroup: async () => undefined,
      deleteGroup: async () => undefined,
      addMembers: async () => undefined,
      removeMembers: async () => undefined,
      moveGroup: async (_dn: string, newDn: string) => newDn.split('').join(''),
      findByAnchor: async () => [],
    }) as unknown as Target;

  it('compares DNs case- and escaping-insensitively, and counts both ends of a move', async () => {
    const t = trackWrites(inner());
    await t.target.createGroup('CN=Sales\\2C EU,OU=Groups,DC=lab', {});
    await t.target.addMembers('CN=A,OU=Groups,DC=lab', ['CN=u,DC=lab']);
    await t.target.moveGroup('CN=Old,OU=Groups,DC=lab', 'CN=New,OU=Moved,DC=lab');
    expect(t.unwritten(['cn=sales\\, eu,ou=groups,dc=lab', 'cn=a, ou=GROUPS,dc=lab', 'CN=old,OU=Groups,DC=lab', 'CN=new,ou=moved,dc=lab'])).toEqual([]);
    expect(t.unwritten(['CN=B,OU=Groups,DC=lab', 'cn=a,ou=groups,dc=lab', 'CN=b,ou=groups,dc=lab'])).toEqual(['CN=B,OU=Groups,DC=lab', 'CN=b,ou=groups,dc=lab']);
    expect(t.unwritten([])).toEqual([]);
    // Reads pass through without being counted.
    await t.target.findByAnchor('x');
    expect(t.writtenCount).toBe(4);
  });

  it('keeps one entry per DN text however often it is written (members in many batches)', async () => {
    const t = trackWrites(inner());
    for (let i = 0; i < 5; i++) await t.target.addMembers('CN=A,OU=Groups,DC=lab', [`CN=u${i},DC=lab`]);
    await t.target.modifyGroup(`CN=${'A'},OU=Groups,DC=lab`, {});
    expect(t.writtenCount).toBe(1);
  });

  it('closeDriftWindow: only groups changed in the window that the cycle did not write become pending', async () => {
    const doc = state(rec('CN=Mine,OU=Groups,DC=lab'), rec('CN=Theirs,OU=Groups,DC=lab'), rec('CN=Released,OU=Groups,DC=lab', 'released'));
    const t = trackWrites(inner());
    await t.target.modifyGroup('cn=mine,ou=groups,dc=lab', {});
    const changed = [
      { dn: 'CN=Mine,OU=Groups,DC=lab', anchor: anchorOf('g0'), objectGuid: 'a', usnChanged: '12' },
      { dn: 'CN=Theirs,OU=Groups,DC=lab', anchor: anchorOf('g1'), objectGuid: 'b', usnChanged: '13' },
      { dn: 'CN=Released,OU=Groups,DC=lab', anchor: anchorOf('g2'), objectGuid: 'c', usnChanged: '14' },
    ];
    const target = { ...inner(), highestCommittedUsn: async () => '20', findChangedGroups: async () => changed } as unknown as DriftTarget;
    expect(await closeDriftWindow(target, doc, '10', t)).toBe('20');
    expect(doc.driftPending).toEqual({ g1: 'CN=Theirs,OU=Groups,DC=lab' });
    expect(doc.adUsn).toBe('20');
    // Nothing changed by anyone else: no pending entry left behind.
    await t.target.modifyGroup('CN=Theirs,OU=Groups,DC=lab', {});
    await closeDriftWindow(target, doc, '10', t);
    expect(doc.driftPending).toBeUndefined();
  });
});
