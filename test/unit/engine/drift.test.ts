import { describe, expect, it } from 'vitest';
import { normalizeDn } from '../../../src/directory/dn';
import { driftBases } from '../../../src/engine/drift';
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
