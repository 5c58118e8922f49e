/**
 * Issue 3, synced users: 2,000 users seeded into the Samba DC and the Graph emulator. Read back independently —
 * AD over LDAPS as the service account, the emulator over HTTPS with a client-credentials token — each Graph
 * user's onPremisesSecurityIdentifier / onPremisesImmutableId equals the AD user's objectSid / objectGUID.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { EqualityFilter } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guidBytesToString, sidBytesToString } from '../lab/ad-ids';
import { startLab, type Lab } from '../lab/fixture';

function https(url: string, ca: Buffer, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** GET every page of a Graph collection (following @odata.nextLink). */
async function graphAll(lab: Lab, path: string): Promise<any[]> {
  const g = lab.graph!;
  const ca = readFileSync(g.caFile);
  const tok = await https(`${g.authorityHost}/${g.tenantId}/oauth2/v2.0/token`, ca, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: g.clientId, client_secret: g.clientSecret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  expect(tok.status).toBe(200);
  const out: any[] = [];
  let next: string | undefined = `${g.baseUrl}/v1.0${path}`;
  while (next) {
    const r = await https(next, ca, { headers: { authorization: `Bearer ${tok.json.access_token}` } });
    expect(r.status).toBe(200);
    out.push(...r.json.value);
    next = r.json['@odata.nextLink'];
  }
  return out;
}

const N = 2000;

describe('lab seeding of synced users', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab({ users: N, cloudUsers: 25 });
  }); // the global hookTimeout (vitest.config.ts): 2,000 users take minutes on a loaded machine

  afterAll(async () => {
    await lab?.stop();
  });

  it(`creates ${N} synced users in AD and the emulator, with onPremises* equal to what AD holds`, async () => {
    // AD, read back independently over LDAPS as the delegated service account
    const ldap = await lab.dc.connect('service');
    let ad: Map<string, { dn: string; sid: string; guid: Buffer; sam: string; upn: string }>;
    try {
      const { searchEntries } = await ldap.search(lab.dc.usersOu, {
        scope: 'sub', filter: '(objectClass=user)', paged: { pageSize: 500 },
        attributes: ['objectGUID', 'objectSid', 'sAMAccountName', 'userPrincipalName'],
        explicitBufferAttributes: ['objectGUID', 'objectSid'],
      });
      ad = new Map(searchEntries.map((e) => [
        String(e.userPrincipalName).toLowerCase(),
        { dn: e.dn, sid: sidBytesToString(e.objectSid as Buffer), guid: e.objectGUID as Buffer, sam: String(e.sAMAccountName), upn: String(e.userPrincipalName) },
      ]));
    } finally {
      await ldap.unbind();
    }
    expect(ad.size).toBe(N);

    // Graph, over HTTPS like any client
    const users = await graphAll(lab, '/users?$top=999&$select=id,userPrincipalName,onPremisesSyncEnabled,onPremisesSecurityIdentifier,' +
      'onPremisesImmutableId,onPremisesDistinguishedName,onPremisesSamAccountName,onPremisesDomainName,onPremisesUserPrincipalName');
    const synced = users.filter((u) => u.onPremisesSyncEnabled === true);
    const cloud = users.filter((u) => u.onPremisesSyncEnabled !== true);
    expect(synced).toHaveLength(N);
    expect(cloud).toHaveLength(25);
    for (const u of cloud) {
      expect(u.onPremisesSecurityIdentifier).toBeNull();
      expect(u.onPremisesImmutableId).toBeNull();
      expect(ad.has(u.userPrincipalName.toLowerCase())).toBe(false);
    }

    let checked = 0;
    for (const u of synced) {
      const a = ad.get(u.userPrincipalName.toLowerCase());
      expect(a, u.userPrincipalName).toBeDefined();
      expect(u.onPremisesSecurityIdentifier).toBe(a!.sid);
      expect(Buffer.from(u.onPremisesImmutableId, 'base64').equals(a!.guid)).toBe(true);
      expect(u.onPremisesImmutableId).toBe(a!.guid.toString('base64'));
      expect(u.onPremisesDistinguishedName).toBe(a!.dn);
      expect(u.onPremisesSamAccountName).toBe(a!.sam);
      expect(u.onPremisesUserPrincipalName).toBe(a!.upn);
      expect(u.onPremisesDomainName).toBe('lab.example.com');
      expect(u.id).not.toBe(guidBytesToString(a!.guid)); // the Entra object id is not the AD objectGUID
      checked++;
    }
    expect(checked).toBe(N);
    expect(new Set(synced.map((u) => u.onPremisesSecurityIdentifier)).size).toBe(N);
  });

  it('the immutableId decodes (in .NET byte order) to the GUID AD resolves the user by', async () => {
    const ldap = await lab.dc.connect('service');
    try {
      for (const u of lab.seeded.users!.synced.slice(0, 50)) {
        const guid = guidBytesToString(Buffer.from(u.onPremisesImmutableId as string, 'base64'));
        // <GUID=…> takes the dashed string form: a wrong byte order would not find the user
        const byGuid = await ldap.search(`<GUID=${guid}>`, { scope: 'base', attributes: ['distinguishedName'] });
        expect(byGuid.searchEntries[0]?.dn).toBe(u.onPremisesDistinguishedName);
        const bySid = await ldap.search(lab.dc.usersOu, {
          filter: new EqualityFilter({ attribute: 'objectSid', value: Buffer.from(sidToBytes(u.onPremisesSecurityIdentifier as string)) }),
          attributes: ['distinguishedName'],
        });
        expect(bySid.searchEntries.map((e) => e.dn)).toEqual([u.onPremisesDistinguishedName]);
      }
    } finally {
      await ldap.unbind();
    }
  });
});

function sidToBytes(sid: string): Buffer {
  // independent of the helper under test: S-1-5-21-a-b-c-rid
  const parts = sid.split('-').slice(1).map(Number);
  const subs = parts.slice(2);
  const b = Buffer.alloc(8 + 4 * subs.length);
  b[0] = parts[0];
  b[1] = subs.length;
  b.writeUIntBE(parts[1], 2, 6);
  subs.forEach((s, i) => b.writeUInt32LE(s, 8 + 4 * i));
  return b;
}
