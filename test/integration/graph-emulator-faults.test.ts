/**
 * Graph emulator fault injection and control API: 503/504 with Retry-After, latency, resource-unit and write
 * throttling headers, faults inside $batch items, the HTTPS control API, and the Azure Arc managed identity.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { ManagedIdentityCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient, GRAPH_SCOPE, secretCredential } from '../lab/graph/client';
import { startGraphEmulator, type GraphEmulator } from '../lab/graph/emulator';
import { collectAll } from '../lab/graph/testing';
import { labPaths } from '../lab/lab-paths';

let em: GraphEmulator;
let client: Client;
let bearer: string;
let groupIds: string[];

beforeAll(async () => {
  em = await startGraphEmulator({ pkiDir: labPaths().pkiDir });
  const loaded = em.store.loadTenant({
    users: [{ userPrincipalName: 'u1@contoso.com' }, { userPrincipalName: 'u2@contoso.com' }],
    groups: Array.from({ length: 50 }, (_, i) => ({ displayName: `G${i}`, members: ['u1@contoso.com'] })),
  });
  groupIds = loaded.groups.map((g) => g.id);
  const credential = secretCredential(em);
  client = graphClient(em, credential);
  bearer = (await credential.getToken(GRAPH_SCOPE))!.token;
});

afterAll(async () => {
  await em?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${em.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${em.controlUrl}${path}`, {
    method, headers: body !== undefined ? { 'Content-Type': 'application/json' } : {}, body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('injected faults', () => {
  it('the real client rides out injected 503s and 504s that carry Retry-After', async () => {
    em.faults.set({ unavailablePercent: 20, gatewayTimeoutPercent: 20, retryAfterSeconds: 0, seed: 3, pathPattern: '^/groups$' });
    em.faults.resetCounters();
    try {
      const { items } = await collectAll<{ id: string }>(client, '/groups?$select=id&$top=5');
      expect(new Set(items.map((g) => g.id))).toEqual(new Set(groupIds));
      const c = em.faults.counters();
      expect(c.injected503).toBeGreaterThan(0);
      expect(c.injected504).toBeGreaterThan(0);
      expect(c.retryAttempts).toBe(c.injected503 + c.injected504);
    } finally {
      em.faults.reset();
    }
  });

  it('adds latency to Graph requests when asked', async () => {
    em.faults.set({ latencyMs: 30 });
    try {
      await client.api('/groups').top(1).get();
      expect(em.faults.counters().delayed).toBe(1);
    } finally {
      em.faults.reset();
    }
  });

  it('throttles by resource units with the documented costs and headers', async () => {
    em.faults.set({ resourceUnits: { capacity: 6, windowSeconds: 600 } });
    em.stats.reset();
    try {
      const first = await call('GET', `/v1.0/groups/${groupIds[0]}/members`);
      expect(first.status).toBe(200);
      expect(first.headers.get('x-ms-resource-unit')).toBe('3');
      expect(first.headers.get('x-ms-throttle-limit-percentage')).toBeNull();
      const second = await call('GET', `/v1.0/groups/${groupIds[0]}/members?$select=id`);
      expect(second.headers.get('x-ms-resource-unit')).toBe('2');
      expect(second.headers.get('x-ms-throttle-limit-percentage')).toBe('0.8');
      await call('GET', `/v1.0/groups/${groupIds[0]}`);
      const throttled = await call('GET', `/v1.0/groups/${groupIds[0]}/transitiveMembers`);
      expect(throttled.status).toBe(429);
      expect(throttled.body.error.code).toBe('TooManyRequests');
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(throttled.headers.get('x-ms-throttle-scope')).toBe(`Tenant_Application/Read/${em.clientId}/${em.tenantId}`);
      expect(throttled.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
      expect(em.faults.counters().resourceUnitThrottled).toBe(1);
      // The control API's counters: RU charged (3 + 2 + 1; the 429 charged nothing), per route, and the 429.
      const stats = (await call('GET', '/_emulator/stats')).body;
      expect(stats.resourceUnits).toBe(6);
      expect(stats.resourceUnitsByRoute).toEqual({ 'GET /groups/{id}/members': 5, 'GET /groups/{id}': 1 });
      expect(stats.throttled).toBe(1);
    } finally {
      em.faults.reset();
    }
  });

  it('enforces the write limit separately', async () => {
    em.faults.set({ resourceUnits: { writeCapacity: 2, writeWindowSeconds: 600 } });
    try {
      const body = (n: number) => ({ displayName: `W${n}`, mailEnabled: false, mailNickname: `w${n}`, securityEnabled: true });
      expect((await call('POST', '/v1.0/groups', body(1))).status).toBe(201);
      expect((await call('POST', '/v1.0/groups', body(2))).status).toBe(201);
      const third = await call('POST', '/v1.0/groups', body(3));
      expect(third.status).toBe(429);
      expect(third.headers.get('x-ms-throttle-information')).toBe('WriteLimitExceeded');
      expect(third.headers.get('x-ms-throttle-scope')).toBe(`Tenant_Application/ReadWrite/${em.clientId}/${em.tenantId}`);
    } finally {
      em.faults.reset();
    }
  });

  it('throttles $batch items one by one (outer 200, item 429 with Retry-After)', async () => {
    em.faults.set({ throttlePercent: 100, retryAfterSeconds: 2, pathPattern: '^/groups$' });
    try {
      const out = await client.api('/$batch').post({
        requests: [{ id: 'a', method: 'GET', url: '/v1.0/groups?$top=1' }, { id: 'b', method: 'GET', url: `/groups/${groupIds[0]}` }],
      });
      const byId = Object.fromEntries(out.responses.map((r: { id: string }) => [r.id, r]));
      expect(byId.a).toMatchObject({ status: 429, headers: { 'Retry-After': '2', 'Content-Type': 'application/json' }, body: { error: { code: 'TooManyRequests' } } });
      expect(byId.b.status).toBe(200);
    } finally {
      em.faults.reset();
    }
  });
});

describe('control API (HTTPS, outside the Graph namespace)', () => {
  it('reports health, loads a tenant, switches faults and counts requests per route', async () => {
    const health = await control('GET', '/health');
    expect(health.body).toMatchObject({ status: 'ok', tenantId: em.tenantId, baseUrl: em.baseUrl });

    const load = await control('POST', '/tenant', {
      users: [{ userPrincipalName: 'ctl@contoso.com', displayName: 'Ctl', synced: true }],
      groups: [{ displayName: 'Control group', members: ['ctl@contoso.com'] }],
    });
    expect(load.status).toBe(200);
    const gid = load.body.groups[0].id;
    expect(em.store.membersOf(gid)).toEqual([{ id: load.body.users[0].id, kind: 'user' }]);
    expect(em.store.getUser('ctl@contoso.com')!.onPremisesSyncEnabled).toBe(true);

    const bad = await control('POST', '/tenant', { groups: [{ displayName: 'X', members: ['nobody@contoso.com'] }] });
    expect(bad.status).toBe(400);

    await control('DELETE', '/stats');
    const set = await control('PATCH', '/faults', { throttlePercent: 100, retryAfterSeconds: 0, pathPattern: '^/users$' });
    expect(set.body.config.throttlePercent).toBe(100);
    const throttled = await call('GET', '/v1.0/users');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('0');
    expect((await call('GET', `/v1.0/groups/${gid}`)).status).toBe(200);
    const faults = await control('GET', '/faults');
    expect(faults.body.counters.injected429).toBe(1);
    await control('DELETE', '/faults');
    expect((await call('GET', '/v1.0/users')).status).toBe(200);

    const stats = await control('GET', '/stats');
    expect(stats.body.byRoute).toMatchObject({ 'GET /users': 2, 'GET /groups/{id}': 1 });
    expect(stats.body.byStatus).toMatchObject({ 200: 2, 429: 1 });

    const latest = await call('GET', '/v1.0/groups/delta?$deltatoken=latest');
    expect((await control('POST', '/faults/expire-delta-tokens')).status).toBe(200);
    const expired = await call('GET', new URL(latest.body['@odata.deltaLink']).pathname + new URL(latest.body['@odata.deltaLink']).search);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('syncStateNotFound');

    const app = await control('POST', '/apps', { roles: ['Group.Read.All'] });
    expect(app.status).toBe(201);
    const readOnly = graphClient(em, secretCredential(em, { clientId: app.body.clientId, clientSecret: app.body.clientSecret }));
    expect((await readOnly.api(`/groups/${gid}`).get()).displayName).toBe('Control group');
    await expect(readOnly.api(`/groups/${gid}`).patch({ description: 'x' })).rejects.toMatchObject({ statusCode: 403 });
  });
});

/** msal only reads the Arc key file from /var/opt/azcmagent/tokens (CI runs as root). */
function arcKeyDirWritable(): boolean {
  try {
    mkdirSync('/var/opt/azcmagent/tokens', { recursive: true });
    accessSync('/var/opt/azcmagent/tokens', constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

describe('Azure Arc managed identity', () => {
  it.skipIf(!arcKeyDirWritable())('serves the Arc challenge flow to the real ManagedIdentityCredential', async () => {
    const mi = await startGraphEmulator({ pkiDir: labPaths().pkiDir, managedIdentity: { roles: ['Group.Read.All'] } });
    const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IMDS_ENDPOINT: process.env.IMDS_ENDPOINT };
    try {
      mi.store.addGroup({ displayName: 'Seen by the machine' });
      Object.assign(process.env, mi.managedIdentity!.env());
      const credential = new ManagedIdentityCredential();
      const token = await credential.getToken(GRAPH_SCOPE);
      expect(token?.token.split('.')).toHaveLength(3);
      expect(mi.managedIdentity!.counts).toMatchObject({ challenge: 1, token: 1 });
      const list = await graphClient(mi, credential).api('/groups').select('displayName').get();
      expect(list.value).toEqual([{ displayName: 'Seen by the machine' }]);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
      await mi.stop();
    }
  });
});
