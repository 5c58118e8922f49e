/** accessVerdict: whether a user's Kerberos ticket can carry a provisioned group, from the facts (table). */
import { describe, expect, it } from 'vitest';
import { accessVerdict, type AccessFacts } from '../../../src/engine/access';
import { parseReplValueMetaData } from '../../../src/directory/repl-metadata';

const W = '2026-12-03T08:00:10.500Z';
const f = (x: Partial<AccessFacts>): AccessFacts => ({ entraMember: true, adMember: true, writtenAt: W, removedAt: null, ticketIssuedAt: null, ...x });

describe('accessVerdict', () => {
  it.each([
    ['ticket after the write', f({ ticketIssuedAt: '2026-12-03T08:00:12Z' }), 'yes'],
    ['ticket before the write', f({ ticketIssuedAt: '2026-12-03T08:00:05Z' }), 'no'],
    ['ticket in the same second', f({ ticketIssuedAt: '2026-12-03T08:00:10Z' }), 'unknown'],
    ['no ticket time', f({}), 'unknown'],
    ['in AD, never written by the engine', f({ writtenAt: null, ticketIssuedAt: '2026-12-03T09:00:00Z' }), 'unknown'],
    ['in Entra, not yet in AD', f({ adMember: false, writtenAt: null }), 'no'],
    ['removed, old ticket', f({ entraMember: false, adMember: false, writtenAt: null, removedAt: W, ticketIssuedAt: '2026-12-03T08:00:01Z' }), 'yes'],
    ['removed, new ticket', f({ entraMember: false, adMember: false, writtenAt: null, removedAt: W, ticketIssuedAt: '2026-12-03T08:00:30Z' }), 'notApplicable'],
    ['never a member', f({ entraMember: false, adMember: false, writtenAt: null }), 'notApplicable'],
    ['group not provisioned', f({ adMember: null, writtenAt: null }), 'unknown'],
  ])('%s → %s', (_n, facts, token) => {
    expect(accessVerdict(facts).tokenHasGroup).toBe(token);
  });

  it('says what to do when the ticket predates the write', () => {
    expect(accessVerdict(f({ ticketIssuedAt: '2026-12-03T08:00:05Z' })).action).toMatch(/sign out and in.*klist purge/);
    expect(accessVerdict(f({ adMember: false, writtenAt: null })).action).toMatch(/Start-GroupProvisioning/);
  });
});

describe('msDS-ReplValueMetaData', () => {
  it('parses the XML form AD serves for member values', () => {
    const v = `<DS_REPL_VALUE_META_DATA>
	<pszAttributeName>member</pszAttributeName>
	<pszObjectDn>CN=Smith\\, John &amp; Co,OU=Users,DC=contoso,DC=com</pszObjectDn>
	<cbData>0</cbData>
	<ftimeDeleted>1601-01-01T00:00:00Z</ftimeDeleted>
	<ftimeCreated>2026-12-03T08:00:00Z</ftimeCreated>
	<dwVersion>1</dwVersion>
	<ftimeLastOriginatingChange>2026-12-03T08:00:00Z</ftimeLastOriginatingChange>
	<pszLastOriginatingDsaDN>CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=contoso,DC=com</pszLastOriginatingDsaDN>
</DS_REPL_VALUE_META_DATA>`;
    const [m, ...rest] = parseReplValueMetaData([v, v.replace('<pszAttributeName>member', '<pszAttributeName>manager')]);
    expect(rest).toEqual([]);
    expect(m).toEqual({
      memberDn: 'CN=Smith\\, John & Co,OU=Users,DC=contoso,DC=com', created: '2026-12-03T08:00:00.000Z', lastChange: '2026-12-03T08:00:00.000Z',
      originatingDsa: 'CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=contoso,DC=com',
    });
  });
});
