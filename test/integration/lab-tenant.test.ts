/**
 * Issue 3, tenant files and the lab config: startLab loads a tenant file — synced users and groups are created
 * in AD first and carry AD's SIDs into the emulator; group members resolve by UPN, id or group displayName —
 * and writes a GroupWriteback config with no secret inline.
 */
import { readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfigDocument } from '../../src/config';
import { sidBytesToString } from '../lab/ad-ids';
import { startLab, type Lab } from '../lab/fixture';
import { LabError } from '../lab/samba/errors';
import { applyTenant, readTenantFile } from '../lab/tenant-file';

describe('lab tenant files', () => {
  let lab: Lab;
  const tmp = mkdtempSync(join(tmpdir(), 'gwb-lab-tenant-'));

  beforeAll(async () => {
    lab = await startLab({ tenant: 'test/fixtures/tenants/demo.json' });
  });

  afterAll(async () => {
    await lab?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const group = (name: string) => {
    const g = lab.store!.listGroups().find((x) => x.displayName === name);
    expect(g, name).toBeDefined();
    return g!;
  };
  const memberNames = (name: string) =>
    lab.store!.membersOf(group(name).id).map((m) => {
      const o = lab.store!.getObject(m.id)!.obj;
      return (o.userPrincipalName as string | undefined) ?? (o.displayName as string);
    }).sort();

  it('loads the demo tenant: users, groups and memberships resolved by UPN and displayName', () => {
    expect(lab.store!.listUsers()).toHaveLength(6);
    expect(lab.store!.listGroups()).toHaveLength(7);
    expect(memberNames('Sales Team')).toEqual(['alice@lab.example.com', 'bob@lab.example.com', 'erin@labtenant.onmicrosoft.com']);
    expect(memberNames('Engineering')).toEqual(['Finance (AD)', 'Platform Team', 'bob@lab.example.com']);
    expect(group('Marketing 365')).toMatchObject({ groupTypes: ['Unified'], mailEnabled: true, securityEnabled: false });
    expect(group('All Staff Mail')).toMatchObject({ mailEnabled: true, securityEnabled: true, onPremisesSyncEnabled: null });
    expect(group('Sales Team')).toMatchObject({ mailEnabled: false, securityEnabled: true, onPremisesSyncEnabled: null });
    for (const g of lab.store!.listGroups()) expect(g).not.toHaveProperty('synced');
  });

  it('creates synced users and groups in AD and gives the emulator their SIDs; cloud-only users stay out of AD', async () => {
    const ldap = await lab.dc.connect('service');
    try {
      const users = await ldap.search(lab.dc.usersOu, { filter: '(objectClass=user)', attributes: ['userPrincipalName', 'objectSid'], explicitBufferAttributes: ['objectSid'] });
      const adUsers = new Map(users.searchEntries.map((e) => [String(e.userPrincipalName), sidBytesToString(e.objectSid as Buffer)]));
      expect([...adUsers.keys()].sort()).toEqual(['alice@lab.example.com', 'bob@lab.example.com', 'carol@lab.example.com', 'dave@lab.example.com']);
      for (const u of lab.store!.listUsers()) {
        if (u.userPrincipalName.endsWith('@lab.example.com')) {
          expect(u.onPremisesSyncEnabled).toBe(true);
          expect(u.onPremisesSecurityIdentifier).toBe(adUsers.get(u.userPrincipalName));
        } else {
          expect(u.onPremisesSyncEnabled).toBeNull();
          expect(u.onPremisesSecurityIdentifier).toBeNull();
        }
      }
      const finance = group('Finance (AD)');
      const adGroup = await ldap.search(lab.dc.syncedGroupsOu, {
        filter: '(sAMAccountName=finance)', attributes: ['objectSid', 'member', 'sAMAccountName'], explicitBufferAttributes: ['objectSid'],
      });
      expect(adGroup.searchEntries).toHaveLength(1);
      const g = adGroup.searchEntries[0];
      expect(finance).toMatchObject({
        onPremisesSyncEnabled: true,
        onPremisesSecurityIdentifier: sidBytesToString(g.objectSid as Buffer),
        onPremisesSamAccountName: String(g.sAMAccountName),
        onPremisesDomainName: 'lab.example.com',
        onPremisesNetBiosName: 'LAB',
      });
      expect([g.member].flat().sort()).toEqual([
        `CN=Alice Adams,${lab.dc.usersOu}`,
        `CN=Carol Costa,${lab.dc.usersOu}`,
      ]);
    } finally {
      await ldap.unbind();
    }
  });

  it('loads a second tenant with ids, escaped names, deep nesting and synced users into the same lab', async () => {
    const r = await applyTenant(lab.dc, lab.store!, readTenantFile('test/fixtures/tenants/nested.json'));
    expect(r.adUsers.map((u) => u.dn)).toContain(`CN=Smith\\, John,${lab.dc.usersOu}`);
    expect(r.adUsers.find((u) => u.userPrincipalName === 'smith.j@lab.example.com')?.samAccountName).toBe('jsmith');
    expect(r.adGroups.map((g) => g.samAccountName)).toEqual(['legacy-ad']);
    expect(group('Level 1').id).toBe('0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b');
    // quinn is referenced by object id, smith.j by UPN
    expect(memberNames('Level 3')).toEqual(['quinn@labtenant.onmicrosoft.com', 'smith.j@lab.example.com']);
    const transitive = lab.store!.transitiveMembersOf(group('Level 1').id).length;
    expect(transitive).toBe(6); // Level 2, Level 3, nina, oskar, smith.j, quinn
    expect(lab.store!.getUser('oskar@lab.example.com')?.onPremisesDistinguishedName).toBe(`CN=Øskar Ørsted,${lab.dc.usersOu}`);
  });

  it('rejects malformed tenant files with a LabError that names the problem', () => {
    const bad = (name: string, text: string) => {
      const f = join(tmp, name);
      writeFileSync(f, text);
      return () => readTenantFile(f);
    };
    expect(bad('a.json', '{ not json')).toThrow(LabError);
    expect(bad('b.json', '{"users": {}}')).toThrow(/"users" must be an array/);
    expect(bad('c.json', '{"users": [{"synced": true, "displayName": "x"}]}')).toThrow(/synced user needs a userPrincipalName/);
    expect(bad('d.json', '{"groups": [{"members": []}]}')).toThrow(/group needs a displayName/);
    expect(bad('e.json', '{"people": []}')).toThrow(/Unknown tenant key "people"/);
    expect(() => readTenantFile(join(tmp, 'missing.json'))).toThrow(/Cannot read tenant file/);
  });

  it('writes a valid GroupWriteback config for the lab, with secrets only by reference', () => {
    const cfg = lab.config!;
    const doc = JSON.parse(readFileSync(cfg.path, 'utf8'));
    expect(validateConfigDocument(doc)).toEqual([]);
    expect(doc.directory).toMatchObject({ urls: [lab.dc.url], baseDn: lab.dc.baseDn, bindDn: lab.dc.service.bindDn, password: { file: cfg.passwordFile } });
    expect(doc.tenant).toMatchObject({
      tenantId: lab.graph!.tenantId, clientId: lab.graph!.clientId, graphBaseUrl: lab.graph!.baseUrl,
      authorityHost: lab.graph!.authorityHost, auth: { type: 'clientSecret', clientSecret: { env: 'GWB_CLIENT_SECRET' } },
    });
    expect(doc.scope).toEqual({ mode: 'all', filters: [] });
    expect(doc.target).toEqual({ container: lab.dc.targetOu });
    const text = readFileSync(cfg.path, 'utf8');
    expect(text).not.toContain(lab.dc.service.password);
    expect(text).not.toContain(lab.graph!.clientSecret);
    expect(readFileSync(cfg.passwordFile, 'utf8')).toBe(lab.dc.service.password);
    expect(statSync(cfg.passwordFile).mode & 0o777).toBe(0o600);
    expect(cfg.env).toEqual({ NODE_EXTRA_CA_CERTS: lab.dc.caFile, GWB_CLIENT_SECRET: lab.graph!.clientSecret });
  });
});
