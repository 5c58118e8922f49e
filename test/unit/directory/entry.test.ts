import { describe, expect, it } from 'vitest';
import type { Entry } from 'ldapts';
import { GROUP_ATTRIBUTES, toAdGroup, toAdUser } from '../../../src/directory/entry';
import { guidToBytes } from '../../../src/directory/guid';
import { sidToBytes } from '../../../src/directory/sid';

const GUID = '00112233-4455-6677-8899-aabbccddeeff';
const SID = 'S-1-5-21-1004336348-1177238915-682003330-1105';

describe('toAdGroup', () => {
  it('normalizes ldapts result shapes and decodes the binary ids', () => {
    const entry: Entry = {
      dn: 'CN=Sales\\, EMEA_e9305786a271,OU=Groups,DC=lab',
      cn: 'Sales, EMEA_e9305786a271',
      DisplayName: 'Sales, EMEA', // server spelling differs from the request
      description: [], // requested but absent
      adminDescription: 'Group_x',
      groupType: '-2147483640',
      'msDS-ExternalDirectoryObjectId': 'Group_x',
      objectGUID: guidToBytes(GUID),
      objectSid: sidToBytes(SID),
      sAMAccountName: '$C5D5BC57-8F7A7394A4C670E1',
    };
    expect(toAdGroup(entry)).toEqual({
      dn: entry.dn,
      objectGuid: GUID,
      objectSid: SID,
      anchor: 'Group_x',
      attributes: {
        cn: 'Sales, EMEA_e9305786a271',
        displayName: 'Sales, EMEA',
        adminDescription: 'Group_x',
        groupType: '-2147483640',
        'msDS-ExternalDirectoryObjectId': 'Group_x',
        sAMAccountName: '$C5D5BC57-8F7A7394A4C670E1',
      },
    });
  });

  it('keeps multi-valued attributes as arrays and has no anchor when there is none', () => {
    const g = toAdGroup({ dn: 'CN=g', url: ['a', 'b'], 'msDS-ExternalDirectoryObjectId': [], objectGUID: guidToBytes(GUID) }, [...GROUP_ATTRIBUTES, 'url']);
    expect(g.attributes.url).toEqual(['a', 'b']);
    expect(g.anchor).toBeNull();
    expect(g.objectSid).toBe('');
  });

  it('tolerates a GUID that came back as a (valid UTF-8) string', () => {
    const bytes = Buffer.from('41424344454647484950515253545556', 'hex'); // "ABCDEFGHIPQRSTUV"
    const g = toAdGroup({ dn: 'CN=g', objectGUID: bytes.toString('utf8') });
    expect(guidToBytes(g.objectGuid).equals(bytes)).toBe(true);
  });
});

describe('toAdUser', () => {
  it('decodes ids and keeps UPN and sAMAccountName', () => {
    expect(toAdUser({ dn: 'CN=u', objectGUID: guidToBytes(GUID), objectSid: sidToBytes(SID), userPrincipalName: 'u@lab', sAMAccountName: 'u' })).toEqual({
      dn: 'CN=u', objectGuid: GUID, objectSid: SID, userPrincipalName: 'u@lab', sAMAccountName: 'u',
    });
  });
});
