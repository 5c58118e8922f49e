/**
 * Entitlement management in the Graph emulator, driven as an admin's script drives Graph (raw HTTPS in the
 * documented shapes): catalog, group resource, access package with the Member role, direct policy, adminAdd →
 * submitted → delivered asynchronously as a real membership change seen by groups delta, adminRemove, expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient, secretCredential } from '../lab/graph/client';
import { startGraphEmulator, type GraphEmulator } from '../lab/graph/emulator';
import { collectAll, foldDelta } from '../lab/graph/testing';
import { GovernanceAdmin } from '../lab/governance-admin';
import { labPaths } from '../lab/lab-paths';

let em: GraphEmulator;
let admin: GovernanceAdmin;
let userId: string;
let groupId: string;

beforeAll(async () => {
  em = await startGraphEmulator({ pkiDir: labPaths().pkiDir, governance: { deliveryDelayMs: 100, expirySweepMs: 100 } });
  const loaded = em.store.loadTenant({
    users: [{ displayName: 'Dana', userPrincipalName: 'dana@contoso.com' }],
    groups: [{ displayName: 'App Users', mailNickname: 'appusers' }],
  });
  userId = loaded.users[0].id;
  groupId = loaded.groups[0].id;
  const app = em.registerApp({ roles: ['EntitlementManagement.ReadWrite.All'], displayName: 'Governance admin' });
  admin = new GovernanceAdmin({ ...em, clientId: app.clientId, clientSecret: app.clientSecret! });
});

afterAll(async () => {
  await em?.stop();
});

describe('entitlement management', () => {
  it('needs EntitlementManagement permissions (the sync app has none)', async () => {
    const sync = new GovernanceAdmin(em);
    await expect(sync.call('GET', '/v1.0/identityGovernance/entitlementManagement/catalogs')).rejects.toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
  });

  it('adminAdd is answered submitted, then delivered asynchronously as a membership change in groups delta', async () => {
    const client = graphClient(em, secretCredential(em));
    const start = await collectAll(client, '/groups/delta?$select=displayName,members');
    const pkg = await admin.packageForGroup(groupId, 'App access');

    const scopes = (await admin.call('GET', `/v1.0/identityGovernance/entitlementManagement/accessPackages/${pkg.accessPackageId}?$expand=resourceRoleScopes($expand=role,scope)`)).body;
    expect(scopes.resourceRoleScopes).toHaveLength(1);
    expect(scopes.resourceRoleScopes[0].role).toMatchObject({ displayName: 'Member', originSystem: 'AadGroup', originId: `Member_${groupId}` });
    expect(scopes.resourceRoleScopes[0].scope).toMatchObject({ originId: groupId, isRootScope: true });

    const req = await admin.assign(userId, pkg);
    expect(req).toMatchObject({ requestType: 'adminAdd', state: 'submitted', status: 'Accepted' });
    expect(req['@odata.context']).toContain('$metadata#identityGovernance/entitlementManagement/assignmentRequests/$entity');
    expect(em.store.isMember(groupId, userId)).toBe(false); // not yet: delivery is asynchronous
    const done = await admin.waitForRequest(req.id);
    expect(done.completedDateTime).toBeTruthy();
    expect(em.store.isMember(groupId, userId)).toBe(true);

    const [a] = await admin.assignments(userId, pkg.accessPackageId);
    expect(a).toMatchObject({ state: 'delivered', status: 'Delivered', target: { objectId: userId, principalName: 'dana@contoso.com', subjectType: 'user' }, accessPackage: { id: pkg.accessPackageId } });

    // A second adminAdd for the same package is refused while the first is active.
    await expect(admin.assign(userId, pkg)).rejects.toMatchObject({ status: 400 });

    const next = await collectAll(client, start.deltaLink!);
    const changed = foldDelta(next.items).get(groupId);
    expect(changed?.members).toContainEqual({ '@odata.type': '#microsoft.graph.user', id: userId });

    const rm = await admin.remove(a.id);
    expect(rm).toMatchObject({ requestType: 'adminRemove', state: 'submitted' });
    await admin.waitForRequest(rm.id);
    expect(em.store.isMember(groupId, userId)).toBe(false);
    const [gone] = await admin.assignments(userId, pkg.accessPackageId);
    expect(gone.state).toBe('expired');
    expect(gone.expiredDateTime).toBeTruthy();
    const after = foldDelta((await collectAll(client, next.deltaLink!)).items).get(groupId);
    expect(after?.members).toContainEqual({ '@odata.type': '#microsoft.graph.user', id: userId, '@removed': { reason: 'deleted' } });
  });

  it('an assignment with an end date is removed when it passes (systemRemove)', async () => {
    const pkg = await admin.packageForGroup(groupId, 'Short access');
    // The end is an hour away and the test moves the emulator's expiry check to it (the sweep runs with the clock):
    // an end a second or two away raced a loaded machine to the membership check below.
    const end = new Date(Date.now() + 3_600_000);
    const req = await admin.assign(userId, pkg, end);
    await admin.waitForRequest(req.id);
    const [a] = await admin.assignments(userId, pkg.accessPackageId);
    expect(a.schedule.expiration).toMatchObject({ type: 'afterDateTime' });
    expect(em.store.isMember(groupId, userId)).toBe(true);
    expect(em.governance.expireDue(end.getTime() - 1), 'not before its end').toBe(0);
    expect(em.governance.expireDue(end.getTime())).toBe(1);
    const expired = await admin.waitForAssignment(userId, pkg.accessPackageId, 'expired');
    expect(expired.expiredDateTime).toBeTruthy();
    const sys = (await admin.call('GET', "/v1.0/identityGovernance/entitlementManagement/assignmentRequests?$filter=requestType eq 'systemRemove'")).body.value;
    expect(sys.length).toBeGreaterThanOrEqual(1);
    expect(em.store.isMember(groupId, userId)).toBe(false); // removed with the assignment's expiry (one delivery step)
  });

  it('refuses what Graph refuses: unknown policy, a resource not in the catalog, unsupported filters', async () => {
    const pkg = await admin.packageForGroup(groupId, 'Checks');
    await expect(admin.assign(userId, { accessPackageId: pkg.accessPackageId, policyId: '00000000-0000-0000-0000-000000000001' })).rejects.toMatchObject({ status: 400 });
    await expect(admin.call('POST', `/v1.0/identityGovernance/entitlementManagement/accessPackages/${pkg.accessPackageId}/resourceRoleScopes`, {
      role: { originId: 'Member_00000000-0000-0000-0000-000000000002', originSystem: 'AadGroup', resource: { originId: '00000000-0000-0000-0000-000000000002' } },
      scope: { originId: '00000000-0000-0000-0000-000000000002', isRootScope: true },
    })).rejects.toMatchObject({ status: 400 });
    await expect(admin.call('GET', "/v1.0/identityGovernance/entitlementManagement/assignments?$filter=startsWith(state,'d')")).rejects.toMatchObject({ status: 400 });
  });
});
