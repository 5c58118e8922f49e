/**
 * Issue 9, source-of-authority takeover (governance scenario (a), spec §5.2 and §10): an AD group synced to Entra
 * whose source of authority an admin switches to the cloud (Graph PATCH /groups/{id}/onPremisesSyncBehavior
 * {isCloudManaged: true}, as modelled by the emulator) is matched by objectSid, stamped with the anchor and managed
 * from then on: same objectGUID and SID. A Global group is refused with its reason. A rollback (isCloudManaged
 * false) stops managing it and touches nothing, even with lifecycle.onScopeExit = delete. AD is read over LDAP.
 */
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/directory/dn';
import { StateStore } from '../../src/state/store';
import { grantGroupRights } from '../lab/connect-v2';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, labConfig, readMembers } from './engine-helpers';

let lab: Lab;
let admin: Client;
let token: string;

const TENANT = {
  users: [
    { userPrincipalName: 'ana.app@lab.example.com', displayName: 'Ana App', synced: true },
    { userPrincipalName: 'bo.app@lab.example.com', displayName: 'Bo App', synced: true },
  ],
  groups: [
    { displayName: 'App Access', synced: true, securityEnabled: true, mailEnabled: false, mailNickname: 'app-access', members: ['ana.app@lab.example.com'] },
    { displayName: 'Legacy Global', synced: true, securityEnabled: true, mailEnabled: false, mailNickname: 'legacy-global', members: ['bo.app@lab.example.com'] },
  ],
};

async function graph(method: string, path: string, body?: unknown, bearer = token): Promise<{ status: number; body: any }> {
  const res = await fetch(`${lab.graph!.baseUrl}/v1.0${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function tokenFor(clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${lab.graph!.authorityHost}/${lab.graph!.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function adGroup(dnOrSid: { dn?: string; sid?: string }): Promise<Record<string, string>> {
  const { searchEntries } = await admin.search(lab.dc.baseDn, {
    scope: 'sub',
    filter: dnOrSid.sid ? `(objectSid=${dnOrSid.sid})` : `(distinguishedName=${dnOrSid.dn})`,
    attributes: ['*', 'objectGUID', 'objectSid', 'uSNChanged'],
    explicitBufferAttributes: ['objectGUID', 'objectSid'],
  });
  expect(searchEntries).toHaveLength(1);
  const out: Record<string, string> = { dn: searchEntries[0].dn };
  for (const [k, v] of Object.entries(searchEntries[0])) if (k !== 'dn' && k !== 'member') out[k] = ([] as unknown[]).concat(v).map((x) => (Buffer.isBuffer(x) ? x.toString('hex') : String(x))).join('|');
  return out;
}

beforeAll(async () => {
  lab = await startLab({ tenant: TENANT });
  Object.assign(process.env, lab.config!.env);
  admin = await lab.dc.connect('admin');
  const app = lab.graph!.registerApp({ displayName: 'SOA admin', roles: ['Group-OnPremisesSyncBehavior.ReadWrite.All', 'Group.Read.All'] });
  token = await tokenFor(app.clientId, app.clientSecret!);
  // As Microsoft's prerequisites ask: the agent may write the converted groups' OU.
  await grantGroupRights(lab.dc, lab.dc.syncedGroupsOu);
}, 300_000);

afterAll(async () => {
  await admin?.unbind().catch(() => {});
  await lab?.stop();
});

describe('source of authority takeover', () => {
  const ids = (): { app: string; global: string } => {
    const byName = new Map(lab.seeded.tenant!.loaded.groups.map((g) => [g.displayName, g.id]));
    return { app: byName.get('App Access')!, global: byName.get('Legacy Global')! };
  };
  const sidOf = (name: string): string => lab.seeded.tenant!.adGroups.find((g) => g.dn.startsWith(`CN=${name},`))!.objectSid;
  let appBefore: Record<string, string>;
  let globalBefore: Record<string, string>;

  it('the emulator serves onPremisesSyncBehavior as Graph does (GET, PATCH with its permission only)', async () => {
    const { app } = ids();
    const got = await graph('GET', `/groups/${app}/onPremisesSyncBehavior`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: app, isCloudManaged: false });
    expect(got.body['@odata.context']).toContain(`groups('${app}')/onPremisesSyncBehavior/$entity`);
    const lab0 = await tokenFor(lab.graph!.clientId, lab.graph!.clientSecret);
    expect((await graph('PATCH', `/groups/${app}/onPremisesSyncBehavior`, { isCloudManaged: true }, lab0)).status).toBe(403);
    expect((await graph('PATCH', `/groups/${app}/onPremisesSyncBehavior`, { isCloudManaged: 'yes' })).status).toBe(400);
  });

  it('after the switch, the Universal group is matched by SID and managed: same objectGUID and SID, anchor stamped, members from the cloud', async () => {
    const { app, global } = ids();
    // The admin makes the app's group Universal first (Microsoft's prerequisite); the other stays Global.
    const appDn = lab.seeded.tenant!.adGroups.find((g) => g.id === app)!.dn;
    await admin.modify(appDn, new Change({ operation: 'replace', modification: new Attribute({ type: 'groupType', values: ['-2147483640'] }) }));
    appBefore = await adGroup({ sid: sidOf('App Access') });
    globalBefore = await adGroup({ sid: sidOf('Legacy Global') });
    for (const id of [app, global]) expect((await graph('PATCH', `/groups/${id}/onPremisesSyncBehavior`, { isCloudManaged: true })).status).toBe(204);
    expect((await graph('GET', `/groups/${app}/onPremisesSyncBehavior`)).body.isCloudManaged).toBe(true);
    expect((await graph('GET', `/groups/${app}?$select=onPremisesSyncEnabled,onPremisesSecurityIdentifier`)).body).toMatchObject({ onPremisesSyncEnabled: false, onPremisesSecurityIdentifier: sidOf('App Access') });
    // Now managed in the cloud: a member added there.
    const bo = lab.seeded.tenant!.loaded.users.find((u) => u.userPrincipalName.startsWith('bo.'))!;
    lab.store!.addMember(app, bo.id);

    const run = await cycle(labConfig(lab));
    expect(run.summary.groups.created).toBe(0);
    const after = await adGroup({ sid: sidOf('App Access') });
    expect(after.objectGUID).toBe(appBefore.objectGUID);
    expect(after.objectSid).toBe(appBefore.objectSid);
    expect(after['msDS-ExternalDirectoryObjectId']).toBe(`Group_${app}`);
    expect(after.adminDescription).toBe(`Group_${app}`);
    const userDns = lab.seeded.tenant!.adUsers.map((u) => normalizeDn(u.dn)).sort();
    expect((await readMembers(admin, after.dn)).map(normalizeDn).sort()).toEqual(userDns);

    // The Global group: refused with its reason, and not touched at all.
    const err = run.summary.errorSamples.find((e: { groupId?: string; code?: string }) => e.code === 'GroupScopeNotUniversal');
    expect(err, JSON.stringify(run.summary.errorSamples)).toBeDefined();
    expect(JSON.stringify(err)).toMatch(/Universal/);
    expect(await adGroup({ sid: sidOf('Legacy Global') })).toEqual(globalBefore);
  });

  it('a rollback (isCloudManaged false) stops managing the group and touches nothing, even with onScopeExit = delete', async () => {
    const { app } = ids();
    const managed = await adGroup({ sid: sidOf('App Access') });
    expect((await graph('PATCH', `/groups/${app}/onPremisesSyncBehavior`, { isCloudManaged: false })).status).toBe(204);
    expect((await graph('GET', `/groups/${app}?$select=onPremisesSyncEnabled`)).body.onPremisesSyncEnabled).toBe(true);
    const config = labConfig(lab, (c) => { c.lifecycle.onScopeExit = 'delete'; });
    const run = await cycle(config);
    expect(run.summary.groups.deleted).toBe(0);
    expect(await adGroup({ sid: sidOf('App Access') })).toEqual(managed);
    expect(StateStore.open(config.state.path).store.doc.groups[app.toLowerCase()]?.status).toBe('released');
    const again = await cycle(config, { full: true });
    expect(again.ldap.writes).toBe(0);
    expect(await adGroup({ sid: sidOf('App Access') })).toEqual(managed);
  });
});
