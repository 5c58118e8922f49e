/**
 * Graph emulator API surface through the real clients: authentication (secret, certificate, failures, roles),
 * $batch, getByIds, OData query rules and error shapes, members, users and users/delta.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchRequestContent, BatchResponseContent, type Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateCredential, graphClient, GRAPH_SCOPE, secretCredential } from '../lab/graph/client';
import { startGraphEmulator, type GraphEmulator } from '../lab/graph/emulator';
import { GraphHttpError } from '../lab/graph/errors';
import { cloudSid, immutableIdFromGuid, bytesToGuid, guidToBytes } from '../lab/graph/ids';
import { evaluate } from '../lab/graph/odata/filter-eval';
import { parseFilter } from '../lab/graph/odata/filter-parser';
import { collectAll, foldDelta } from '../lab/graph/testing';
import type { GraphGroup, GraphUser } from '../lab/graph/types';
import { labPaths } from '../lab/lab-paths';

let em: GraphEmulator;
let client: Client;
let users: GraphUser[];
let groups: Record<string, GraphGroup>;
const tmp = mkdtempSync(join(tmpdir(), 'gwb-graph-emu-'));

beforeAll(async () => {
  em = await startGraphEmulator({ pkiDir: labPaths().pkiDir });
  const loaded = em.store.loadTenant({
    users: [
      { displayName: 'Alice', userPrincipalName: 'alice@contoso.com', synced: true, onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1105',
        onPremisesImmutableId: 'MyIRAFVEd2aImaq7zN3u/w==', onPremisesSamAccountName: 'alice' },
      { displayName: 'Bob', userPrincipalName: 'bob@contoso.com' },
      { displayName: 'Carol', userPrincipalName: 'carol@contoso.com' },
    ],
    groups: [
      { displayName: 'Sales', mailNickname: 'sales', description: 'Sales team', members: ['alice@contoso.com', 'Nested'] },
      { displayName: 'Nested', mailNickname: 'nested', members: ['bob@contoso.com', 'alice@contoso.com'] },
      { displayName: 'Team M365', mailNickname: 'team', groupTypes: ['Unified'], mailEnabled: true, members: ['carol@contoso.com'] },
      { displayName: 'Synced from AD', onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-2001' },
      { displayName: 'Zeta' },
    ],
  });
  users = loaded.users;
  groups = Object.fromEntries(loaded.groups.map((g) => [g.displayName as string, g]));
  client = graphClient(em, secretCredential(em));
});

afterAll(async () => {
  await em?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function raw(path: string, init: RequestInit = {}, on: GraphEmulator = em): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${on.baseUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

describe('authentication', () => {
  it('rejects a wrong client secret at the token endpoint with AADSTS7000215', async () => {
    const bad = secretCredential(em, { clientSecret: 'not-the-secret' });
    await expect(bad.getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS7000215/);
    await expect(graphClient(em, bad).api('/groups').get()).rejects.toThrow(/AADSTS7000215/);
    const unknown = secretCredential(em, { clientId: '11111111-2222-3333-4444-555555555555' });
    await expect(unknown.getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS700016/);
  });

  it('answers 401 InvalidAuthenticationToken without a valid bearer token', async () => {
    const none = await raw('/v1.0/groups', { headers: { 'client-request-id': 'abc-123' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/json');
    expect(none.body.error.code).toBe('InvalidAuthenticationToken');
    expect(none.body.error.message).toBe('Access token is empty.');
    expect(none.body.error.innerError['client-request-id']).toBe('abc-123');
    expect(none.body.error.innerError['request-id']).toBe(none.headers.get('request-id'));

    const forged = await raw('/v1.0/groups', { headers: { Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2ln' } });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('InvalidAuthenticationToken');
  });

  it('issues JWTs carrying the app roles; an app with fewer roles gets 403 and limited member information', async () => {
    const token = await secretCredential(em).getToken(GRAPH_SCOPE);
    const payload = JSON.parse(Buffer.from(token!.token.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ aud: 'https://graph.microsoft.com', tid: em.tenantId, appid: em.clientId });
    expect(payload.roles).toEqual(['Group.ReadWrite.All', 'User.ReadWrite.All', 'Directory.Read.All']);

    const reader = em.registerApp({ roles: ['GroupMember.Read.All'] });
    const limited = graphClient(em, secretCredential(em, { clientId: reader.clientId, clientSecret: reader.clientSecret }));
    const list = await limited.api('/groups').select('id').get();
    expect(list.value.length).toBe(5);
    await expect(limited.api('/users').get()).rejects.toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });
    await expect(limited.api('/groups').post({ displayName: 'x', mailEnabled: false, mailNickname: 'x', securityEnabled: true }))
      .rejects.toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });
    const members = await limited.api(`/groups/${groups.Sales.id}/members`).select('id,displayName').get();
    const alice = members.value.find((m: { id: string }) => m.id === users[0].id);
    expect(alice).toEqual({ '@odata.type': '#microsoft.graph.user', id: users[0].id, displayName: null });
    const nested = members.value.find((m: { id: string }) => m.id === groups.Nested.id);
    expect(nested.displayName).toBe('Nested');
  });

  it('accepts ClientCertificateCredential with a registered certificate and refuses an unregistered one', async () => {
    const makeCert = (name: string) => {
      const key = join(tmp, `${name}.key`);
      const crt = join(tmp, `${name}.crt`);
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', `/CN=${name}`],
        { stdio: 'ignore' });
      const bundle = join(tmp, `${name}.pem`);
      writeFileSync(bundle, readFileSync(key, 'utf8') + readFileSync(crt, 'utf8'));
      return { bundle, certPem: readFileSync(crt, 'utf8') };
    };
    const good = makeCert('good');
    const app = em.registerApp({ certificatePem: good.certPem, roles: ['Group.Read.All'] });
    const certClient = graphClient(em, certificateCredential(em, app.clientId, good.bundle));
    const list = await certClient.api('/groups').select('id').get();
    expect(list.value.length).toBe(5);

    const other = makeCert('other');
    await expect(certificateCredential(em, app.clientId, other.bundle).getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS700027/);

    // Older msal-node: RS256 + SHA-1 `x5t` (msal-node 7 sends PS256 + x5t#S256, exercised above).
    const endpoint = `${em.authorityHost}/${em.tenantId}/oauth2/v2.0/token`;
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const x5t = Buffer.from(new X509Certificate(good.certPem).fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: 'RS256', typ: 'JWT', x5t })}.${b64({ aud: endpoint, iss: app.clientId, sub: app.clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + 600 })}`;
    const assertion = `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(readFileSync(good.bundle))).toString('base64url')}`;
    const form = new URLSearchParams({ client_id: app.clientId, scope: GRAPH_SCOPE, grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
    const res = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });

    // MSAL.NET writes nbf/exp as JSON strings ("1733212345"); Entra accepts that, and so must the emulator.
    const assert = async (claims: Record<string, unknown>) => {
      const body = `${b64({ alg: 'RS256', typ: 'JWT', x5t })}.${b64({ aud: endpoint, iss: app.clientId, sub: app.clientId, jti: randomUUID(), ...claims })}`;
      const jwt = `${body}.${sign('sha256', Buffer.from(body), createPrivateKey(readFileSync(good.bundle))).toString('base64url')}`;
      const r = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: app.clientId, scope: GRAPH_SCOPE, grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }) });
      return { status: r.status, body: await r.json() };
    };
    expect((await assert({ nbf: String(now), iat: String(now), exp: String(now + 600) })).status).toBe(200);
    const expired = await assert({ nbf: String(now - 4000), exp: String(now - 3600) });
    expect(expired).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [700024] } });
    const garbage = await assert({ nbf: now, exp: 'tomorrow' });
    expect(garbage).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [700024] } });
  });
});

describe('$batch and getByIds', () => {
  it('runs a serial batch (dependsOn), case-insensitive sub-headers and per-item errors', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const batch = new BatchRequestContent([
      // Advanced query: only works if the item's ConsistencyLevel header is seen (graph-client lower-cases it).
      { id: '1', request: new Request(`${em.baseUrl}/v1.0/groups?$filter=endsWith(displayName,'s')&$count=true&$select=id`, { method: 'GET', headers: { ConsistencyLevel: 'eventual' } }) },
      {
        id: '2', dependsOn: ['1'],
        request: new Request(`${em.baseUrl}/v1.0/directoryObjects/getByIds`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids: [users[1].id], types: ['User'] }),
        }),
      },
      { id: '3', dependsOn: ['2'], request: new Request(`${em.baseUrl}/v1.0/groups/${missing}`, { method: 'GET' }) },
      { id: '4', dependsOn: ['3'], request: new Request(`${em.baseUrl}/v1.0/groups`, { method: 'GET' }) },
    ]);
    const content = await batch.getContent();
    const out = new BatchResponseContent(await client.api('/$batch').post(content));
    const r1 = out.getResponseById('1');
    expect(r1.status).toBe(200);
    expect(await r1.json()).toMatchObject({ '@odata.count': 1, value: [{ id: groups.Sales.id }] });
    const r2 = out.getResponseById('2');
    expect(((await r2.json()) as any).value).toEqual([expect.objectContaining({ '@odata.type': '#microsoft.graph.user', id: users[1].id, displayName: 'Bob' })]);
    const r3 = out.getResponseById('3');
    expect(r3.status).toBe(404);
    expect(((await r3.json()) as any).error.code).toBe('Request_ResourceNotFound');
    expect(out.getResponseById('4').status).toBe(424);
  });

  it('refuses oversized or malformed batches as a whole', async () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i), method: 'GET', url: '/groups' }));
    await expect(client.api('/$batch').post({ requests: items(21) })).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.api('/$batch').post({ requests: [{ id: '1', method: 'GET', url: '/groups' }, { id: '1', method: 'GET', url: 'groups' }] }))
      .rejects.toMatchObject({ statusCode: 400 });
    const ok = await client.api('/$batch').post({ requests: items(20) });
    expect(ok.responses).toHaveLength(20);
    expect(ok.responses.every((r: { status: number; headers: Record<string, string> }) => r.status === 200 && r.headers['Content-Type'] === 'application/json')).toBe(true);
  });

  it('getByIds returns known objects of the requested types and omits unknown ids', async () => {
    const ids = [users[0].id, groups.Sales.id, '00000000-0000-4000-8000-000000000001'];
    const all = await client.api('/directoryObjects/getByIds').post({ ids });
    expect(all.value.map((o: { '@odata.type': string }) => o['@odata.type']).sort()).toEqual(['#microsoft.graph.group', '#microsoft.graph.user']);
    const onlyUsers = await client.api('/directoryObjects/getByIds').select('id,onPremisesSecurityIdentifier').post({ ids, types: ['user'] });
    expect(onlyUsers.value).toEqual([{ '@odata.type': '#microsoft.graph.user', id: users[0].id, onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1105' }]);
    const tooMany = Array.from({ length: 1001 }, () => users[0].id);
    await expect(client.api('/directoryObjects/getByIds').post({ ids: tooMany })).rejects.toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
  });
});

describe('OData queries on /groups', () => {
  const eventual = { ConsistencyLevel: 'eventual' };

  it('filters in default mode and requires advanced mode where Graph does', async () => {
    const cloudSecurity = await client.api('/groups').filter('securityEnabled eq true and mailEnabled eq false').select('displayName').get();
    expect(cloudSecurity.value.map((g: { displayName: string }) => g.displayName).sort()).toEqual(['Nested', 'Sales', 'Synced from AD', 'Zeta']);
    const unified = await client.api('/groups').filter("groupTypes/any(c:c eq 'Unified')").select('id').get();
    expect(unified.value).toEqual([{ id: groups['Team M365'].id }]);
    const starts = await client.api('/groups').filter("startsWith(displayName,'s')").select('displayName').get();
    expect(starts.value.map((g: { displayName: string }) => g.displayName).sort()).toEqual(['Sales', 'Synced from AD']);

    await expect(client.api('/groups').filter('onPremisesSyncEnabled eq null').get())
      .rejects.toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    await expect(client.api('/groups').filter("description eq 'Sales team'").get())
      .rejects.toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    const err = await client.api('/groups').filter("endsWith(displayName,'s')").get().catch((e) => e);
    expect(err.message).toMatch(/^Operator 'endsWith' is not supported because the required parameters might be missing/);

    const advanced = await client.api('/groups').headers(eventual).count(true)
      .filter('securityEnabled eq true and mailEnabled eq false and onPremisesSyncEnabled eq null').select('id,displayName,groupTypes').top(999).get();
    expect(advanced['@odata.count']).toBe(3);
    expect(advanced['@odata.context']).toBe(`${em.baseUrl}/v1.0/$metadata#groups(id,displayName,groupTypes)`);
    const negated = await client.api('/groups').headers(eventual).count(true).filter("not groupTypes/any(c:c eq 'Unified')").get();
    expect(negated['@odata.count']).toBe(4);
    // $count=true without the header is silently ignored.
    const noHeader = await client.api('/groups').count(true).get();
    expect(noHeader['@odata.count']).toBeUndefined();
  });

  it('validates $top, $select, $skip, $count and $orderby like Graph', async () => {
    await expect(client.api('/groups').top(1000).get()).rejects.toMatchObject({
      statusCode: 400, code: 'Request_BadRequest', message: "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    });
    await expect(client.api('/groups').select('id,nope').get()).rejects.toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    await expect(client.api('/groups').skip(1).get()).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.api('/groups/$count').get()).rejects.toMatchObject({ statusCode: 400, message: '$count is not currently supported.' });
    expect(String(await client.api('/groups/$count').headers(eventual).get())).toBe('5');
    const ordered = await client.api('/groups').orderby('displayName').select('displayName').get();
    expect(ordered.value.map((g: { displayName: string }) => g.displayName)).toEqual(['Nested', 'Sales', 'Synced from AD', 'Team M365', 'Zeta']);
    await expect(client.api('/groups').orderby('displayName').filter('securityEnabled eq true').get())
      .rejects.toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    const page = await client.api('/groups').select('id').top(2).get();
    expect(page['@odata.nextLink']).toMatch(new RegExp(`^${em.baseUrl}/v1.0/groups\\?.*\\$skiptoken=[A-Za-z0-9_-]+`));
    const last = await client.api('/groups').select('id').top(5).get();
    expect('@odata.nextLink' in last).toBe(false);
  });

  it('returns realistic group objects and Graph errors for unknown or malformed ids', async () => {
    const g = await client.api(`/groups/${groups.Sales.id}`).get();
    expect(g).toMatchObject({
      id: groups.Sales.id, displayName: 'Sales', description: 'Sales team', groupTypes: [], mailEnabled: false, securityEnabled: true,
      mailNickname: 'sales', onPremisesSyncEnabled: null, securityIdentifier: cloudSid(groups.Sales.id), mail: null, visibility: null,
    });
    expect(g.createdDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect('isManagementRestricted' in g).toBe(false);
    const missing = '68be84bf-0000-4000-8000-000000000000';
    const err = await client.api(`/groups/${missing}`).get().catch((e) => e);
    expect(err).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
    expect(err.message).toBe(`Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`);
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(client.api('/groups/not-a-guid').get()).rejects.toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    await expect(client.api('/nothing').get()).rejects.toMatchObject({ statusCode: 400, message: "Resource not found for the segment 'nothing'." });
  });

  it('derives cloud SIDs and immutable ids as the contract says', () => {
    expect(cloudSid('825f1b5e-6fb2-4d9a-b393-d491101acc0c')).toBe('S-1-12-1-2187271006-1301966770-2446627763-214702608');
    expect(immutableIdFromGuid('00112233-4455-6677-8899-aabbccddeeff')).toBe('MyIRAFVEd2aImaq7zN3u/w==');
    expect(bytesToGuid(guidToBytes('00112233-4455-6677-8899-aabbccddeeff'))).toBe('00112233-4455-6677-8899-aabbccddeeff');
  });
});

describe('members, users and users/delta', () => {
  it('lists direct and transitive members with casts, @odata.type and per-type $select', async () => {
    const direct = await client.api(`/groups/${groups.Sales.id}/members`).select('id,userPrincipalName,onPremisesSecurityIdentifier').get();
    expect(direct['@odata.context']).toBe(`${em.baseUrl}/v1.0/$metadata#directoryObjects(id,userPrincipalName,onPremisesSecurityIdentifier)`);
    expect(direct.value).toEqual(expect.arrayContaining([
      { '@odata.type': '#microsoft.graph.user', id: users[0].id, userPrincipalName: 'alice@contoso.com', onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1105' },
      { '@odata.type': '#microsoft.graph.group', id: groups.Nested.id, onPremisesSecurityIdentifier: null },
    ]));
    const transitive = await client.api(`/groups/${groups.Sales.id}/transitiveMembers`).select('id').get();
    expect(transitive.value.map((m: { id: string }) => m.id).sort()).toEqual([users[0].id, groups.Nested.id, users[1].id].sort());
    const usersOnly = await client.api(`/groups/${groups.Sales.id}/transitiveMembers/microsoft.graph.user`).select('id').get();
    expect(usersOnly.value.map((m: { id: string }) => m.id).sort()).toEqual([users[0].id, users[1].id].sort());
    // Graph's namespace alias `graph.` (what Microsoft's SDKs send) is the same cast.
    const aliased = await client.api(`/groups/${groups.Sales.id}/transitiveMembers/graph.user`).select('id').get();
    expect(aliased.value.map((m: { id: string }) => m.id).sort()).toEqual([users[0].id, users[1].id].sort());
    const nestedGroups = await client.api(`/groups/${groups.Sales.id}/members/graph.group`).select('id').get();
    expect(nestedGroups.value.map((m: { id: string }) => m.id)).toEqual([groups.Nested.id]);
    expect((await raw(`/v1.0/groups/${groups.Sales.id}/members/graph.user/$count`, {
      headers: { Authorization: `Bearer ${(await secretCredential(em).getToken(GRAPH_SCOPE))!.token}`, ConsistencyLevel: 'eventual' },
    })).body).toBe('1');
    await expect(client.api(`/groups/${groups.Sales.id}/members/graph.nonsense`).get()).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.api(`/groups/${groups['Team M365'].id}/members/microsoft.graph.group`).get())
      .rejects.toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    await expect(client.api('/groups/00000000-0000-4000-8000-000000000002/members').get()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('pages a group\'s members (direct, cast, transitive) through skiptoken nextLinks, with @odata.count and $count', async () => {
    // An emulator of its own: the tenant the other tests share stays as it is.
    const own = await startGraphEmulator({ pkiDir: labPaths().pkiDir });
    try {
      await pageMembers(own);
    } finally {
      await own.stop();
    }
  });

  it('keeps onPremises* user properties $select-only and filterable', async () => {
    const list = await client.api('/users').get();
    expect(Object.keys(list.value[0]).sort()).toEqual(['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone',
      'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName']);
    const synced = await client.api('/users').filter('onPremisesSyncEnabled eq true')
      .select('id,onPremisesSyncEnabled,onPremisesSecurityIdentifier,onPremisesImmutableId,onPremisesSamAccountName').get();
    expect(synced.value).toEqual([{
      id: users[0].id, onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1105',
      onPremisesImmutableId: 'MyIRAFVEd2aImaq7zN3u/w==', onPremisesSamAccountName: 'alice',
    }]);
    const byUpn = await client.api('/users/bob@contoso.com').select('id').get();
    expect(byUpn.id).toBe(users[1].id);
  });

  it('creates, updates and deletes users through Graph and reports them in /users/delta', async () => {
    const first = await collectAll(client, '/users/delta?$select=displayName,userPrincipalName');
    expect(first.items).toHaveLength(3);
    const created = await client.api('/users').post({
      accountEnabled: true, displayName: 'Dave', mailNickname: 'dave', userPrincipalName: 'dave@contoso.com',
      passwordProfile: { forceChangePasswordNextSignIn: true, password: 'xWwvJ]6NMw+bWH-d' },
    });
    await expect(client.api('/users').post({ accountEnabled: true, displayName: 'Dup', mailNickname: 'dave', userPrincipalName: 'dave@contoso.com',
      passwordProfile: { password: 'xWwvJ]6NMw+bWH-d' } })).rejects.toMatchObject({ statusCode: 400 });
    await client.api(`/users/${users[2].id}`).patch({ displayName: 'Caroline' });
    await client.api(`/users/${users[1].id}`).delete();
    const next = foldDelta((await collectAll(client, first.deltaLink!)).items);
    expect(next.get(created.id)).toMatchObject({ displayName: 'Dave', userPrincipalName: 'dave@contoso.com' });
    expect(next.get(users[2].id)).toMatchObject({ displayName: 'Caroline' });
    expect(next.get(users[1].id)).toMatchObject({ '@removed': { reason: 'changed' } });
    expect(next.size).toBe(3);
    // Bob's removal from Nested shows in the groups delta as a removed member.
    expect(em.store.isMember(groups.Nested.id, users[1].id)).toBe(false);
  });
});

describe('delta details', () => {
  it('honours Prefer: return=minimal, $select without members, and $deltatoken=latest', async () => {
    const withMembers = await collectAll(client, '/groups/delta?$deltatoken=latest');
    const noMembers = await collectAll(client, '/groups/delta?$select=displayName&$deltatoken=latest');
    await client.api(`/groups/${groups.Zeta.id}`).patch({ description: 'Now described' });
    await client.api(`/groups/${groups.Zeta.id}/members/$ref`).post({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${users[2].id}` });

    const minimal = await client.api(withMembers.deltaLink!).header('Prefer', 'return=minimal').get();
    expect(minimal.value).toEqual([{
      id: groups.Zeta.id, description: 'Now described', 'members@delta': [{ '@odata.type': '#microsoft.graph.user', id: users[2].id }],
    }]);
    // Only displayName is tracked: neither the description nor the membership change is reported.
    const selected = await collectAll(client, noMembers.deltaLink!);
    expect(selected.items).toEqual([]);
  });
});

describe('more OData', () => {
  it('supports $search (advanced only) and $expand=members (default mode only)', async () => {
    await expect(client.api('/groups').search('"displayName:sal"').get()).rejects.toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    const found = await client.api('/groups').header('ConsistencyLevel', 'eventual').search('"displayName:sal"').select('displayName').get();
    expect(found.value).toEqual([{ displayName: 'Sales' }]);
    const expanded = await client.api(`/groups/${groups.Nested.id}`).expand('members').select('id').get();
    expect(expanded.members.map((m: { id: string }) => m.id).sort()).toEqual([users[0].id].sort());
    // The group resource page's own example: $expand=members($select=id,userPrincipalName,displayName).
    const listed = await client.api('/groups').filter(`id eq '${groups.Sales.id}'`)
      .expand('members($select=id,userPrincipalName,displayName)').select('id,displayName').get();
    expect(listed.value[0].members).toEqual(expect.arrayContaining([
      { '@odata.type': '#microsoft.graph.user', id: users[0].id, userPrincipalName: 'alice@contoso.com', displayName: 'Alice' },
      { '@odata.type': '#microsoft.graph.group', id: groups.Nested.id, displayName: 'Nested' },
    ]));
    await expect(client.api(`/groups/${groups.Sales.id}`).expand('members($select=nope)').get())
      .rejects.toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    await expect(client.api(`/groups/${groups.Sales.id}`).expand('members($top=1)').get())
      .rejects.toMatchObject({ statusCode: 400 });
    await expect(client.api(`/groups/${groups.Sales.id}`).expand('owners').get()).rejects.toMatchObject({ statusCode: 400 });
  });

  it('lists deleted groups through the graph.group alias cast', async () => {
    const doomed = await client.api('/groups').post({ displayName: 'Doomed', mailEnabled: false, securityEnabled: true, mailNickname: 'doomed' });
    await client.api(`/groups/${doomed.id}`).delete();
    const deleted = await client.api('/directory/deletedItems/graph.group').select('id,displayName').get();
    expect(deleted.value).toEqual(expect.arrayContaining([{ '@odata.type': '#microsoft.graph.group', id: doomed.id, displayName: 'Doomed' }]));
    await client.api(`/directory/deletedItems/${doomed.id}`).delete();
  });
});

describe('dynamic groups through the Graph API', () => {
  it('evaluates membershipRule, re-evaluates on PATCH, freezes when Paused, reports members@delta, refuses manual writes', async () => {
    const dyn = await client.api('/groups').post({
      displayName: 'Dyn Engineering', mailEnabled: false, securityEnabled: true, mailNickname: 'dyn-eng',
      groupTypes: ['DynamicMembership'], membershipRule: '(user.department -eq "Engineering") -or (user.jobTitle -startsWith "Eng")',
      membershipRuleProcessingState: 'On',
    });
    const memberIds = async () => (await client.api(`/groups/${dyn.id}/members`).select('id').get()).value.map((m: { id: string }) => m.id).sort();
    expect(await memberIds()).toEqual([]);
    const start = await collectAll(client, `/groups/delta?$filter=id eq '${dyn.id}'&$select=displayName,members`);

    await client.api(`/users/${users[2].id}`).patch({ department: 'engineering' });
    expect(await memberIds()).toEqual([users[2].id]);
    const round1 = foldDelta((await collectAll(client, start.deltaLink!)).items);
    expect(round1.get(dyn.id)!.members).toEqual([{ '@odata.type': '#microsoft.graph.user', id: users[2].id }]);

    await client.api(`/users/${users[2].id}`).patch({ department: 'Finance' });
    const round2 = foldDelta((await collectAll(client, start.deltaLink!)).items);
    expect(round2.get(dyn.id)!.members).toEqual([{ '@odata.type': '#microsoft.graph.user', id: users[2].id, '@removed': { reason: 'deleted' } }]);

    await client.api(`/groups/${dyn.id}`).patch({ membershipRuleProcessingState: 'Paused' });
    await client.api(`/users/${users[2].id}`).patch({ jobTitle: 'Engineer' });
    expect(await memberIds()).toEqual([]);
    await client.api(`/groups/${dyn.id}`).patch({ membershipRuleProcessingState: 'On' });
    expect(await memberIds()).toEqual([users[2].id]);

    const ref = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${users[0].id}` };
    await expect(client.api(`/groups/${dyn.id}/members/$ref`).post(ref))
      .rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/cannot be managed manually/) });
    await expect(client.api(`/groups/${dyn.id}/members/${users[2].id}/$ref`).delete())
      .rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/cannot be managed manually/) });
    await expect(client.api(`/groups/${dyn.id}`).patch({ membershipRule: 'device.deviceOSType -eq "Windows"' }))
      .rejects.toMatchObject({ statusCode: 400, code: 'Request_BadRequest', message: expect.stringMatching(/^Dynamic membership rule validation error: .*device/) });
    await expect(client.api(`/groups/${dyn.id}`).patch({ membershipRuleProcessingState: 'Sometimes' }))
      .rejects.toMatchObject({ statusCode: 400 });
    await expect(client.api('/groups').post({ displayName: 'Dyn bad', mailEnabled: false, securityEnabled: true, mailNickname: 'dyn-bad',
      groupTypes: ['DynamicMembership'], membershipRule: 'user.memberof -any (group.objectId -in ["x"])' }))
      .rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/memberOf/) });
    // Membership type changes: assigned → dynamic (PATCH groupTypes + rule), never to or from Unified.
    const assigned = await client.api('/groups').post({ displayName: 'To become dynamic', mailEnabled: false, securityEnabled: true,
      mailNickname: 'to-dyn', 'members@odata.bind': [`https://graph.microsoft.com/v1.0/directoryObjects/${users[0].id}`] });
    await client.api(`/groups/${assigned.id}`).patch({ groupTypes: ['DynamicMembership'], membershipRule: 'user.jobTitle -eq "Engineer"',
      membershipRuleProcessingState: 'On' });
    expect((await client.api(`/groups/${assigned.id}/members`).select('id').get()).value).toEqual([{ '@odata.type': '#microsoft.graph.user', id: users[2].id }]);
    await expect(client.api(`/groups/${assigned.id}`).patch({ groupTypes: ['Unified', 'DynamicMembership'] }))
      .rejects.toMatchObject({ statusCode: 400 });
    await client.api(`/groups/${assigned.id}`).delete();
    await client.api(`/groups/${dyn.id}`).delete();
    await client.api(`/users/${users[2].id}`).patch({ jobTitle: null, department: null });
  });
});

describe('$filter parser and evaluator', () => {
  const obj = { displayName: "O'Brien Team", groupTypes: ['Unified'], securityEnabled: false, id: 'AbC', proxyAddresses: ['SMTP:a@x.com'], description: null };
  const cases: Array<[string, boolean]> = [
    ["displayName eq 'o''brien team'", true],
    ["(securityEnabled eq true or groupTypes/any(c:c eq 'unified')) and id in ('x','abc')", true],
    ["not (description eq null)", false],
    ["proxyAddresses/any(p:startsWith(p,'smtp:'))", true],
    ["startsWith(displayName,'Team') eq false", true],
    ["groupTypes/all(c:c ne 'DynamicMembership') and displayName ne 'x'", true],
  ];
  it.each(cases)('%s → %s', (src, expected) => {
    expect(evaluate(parseFilter(src), obj)).toBe(expected);
  });
  it('rejects malformed filters with 400', () => {
    for (const bad of ["displayName eq 'x", 'displayName', "foo(displayName,'a')", "displayName eq 'a' and"]) {
      expect(() => parseFilter(bad)).toThrow(GraphHttpError);
    }
  });
});

/** Issue 13: the emulator pages a group's members from its store (lazy), with every documented paging behaviour. */
async function pageMembers(em: GraphEmulator): Promise<void> {
  const client = graphClient(em, secretCredential(em));
  const many = em.store.loadTenant({
    users: Array.from({ length: 11 }, (_, i) => ({ displayName: `Pager ${i}`, userPrincipalName: `pager${i}@contoso.com` })),
    groups: [
      { displayName: 'Pager inner', mailNickname: 'pagerinner', members: ['pager9@contoso.com', 'pager10@contoso.com'] },
      { displayName: 'Pager', mailNickname: 'pager', members: [...Array.from({ length: 9 }, (_, i) => `pager${i}@contoso.com`), 'Pager inner'] },
    ],
  });
  const outer = many.groups.find((g) => g.displayName === 'Pager')!;
  const inner = many.groups.find((g) => g.displayName === 'Pager inner')!;
  const ids = (v: { id: string }[]) => v.map((m) => m.id);
  const pages = async (first: string, headers: Record<string, string> = {}) => {
    const out: { value: { id: string }[]; '@odata.count'?: number; '@odata.nextLink'?: string }[] = [];
    let next: string | undefined = first;
    while (next) {
      let req = client.api(next);
      for (const [k, v] of Object.entries(headers)) req = req.header(k, v);
      const page = await req.get();
      out.push(page);
      next = page['@odata.nextLink'];
    }
    return out;
  };
  const users9 = many.users.slice(0, 9).map((u) => u.id);
  const direct = await pages(`/groups/${outer.id}/members?$select=id&$top=4`);
  expect(direct.map((p) => p.value.length)).toEqual([4, 4, 2]);
  expect(direct.flatMap((p) => ids(p.value))).toEqual([...users9, inner.id]);
  const cast = await pages(`/groups/${outer.id}/members/microsoft.graph.user?$select=id&$top=4&$count=true`, { ConsistencyLevel: 'eventual' });
  expect(cast[0]['@odata.count']).toBe(9);
  expect(cast.map((p) => p.value.length)).toEqual([4, 4, 1]);
  expect(cast.flatMap((p) => ids(p.value))).toEqual(users9);
  const transitive = await pages(`/groups/${outer.id}/transitiveMembers?$select=id&$top=5`);
  expect(transitive.flatMap((p) => ids(p.value)).sort()).toEqual([...many.users.map((u) => u.id), inner.id].sort());
  const token = `Bearer ${(await secretCredential(em).getToken(GRAPH_SCOPE))!.token}`;
  for (const [path, n] of [['members', 10], ['members/graph.group', 1], ['transitiveMembers', 12]] as const) {
    expect((await raw(`/v1.0/groups/${outer.id}/${path}/$count`, { headers: { Authorization: token, ConsistencyLevel: 'eventual' } }, em)).body).toBe(String(n));
  }
}
