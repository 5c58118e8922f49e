import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import type { GraphClientHandle } from '../../../src/graph/client';
import { DeltaExpiredError, NotFoundError } from '../../../src/graph/errors';
import { GraphSource } from '../../../src/graph/graph-source';
import { mapGraphError } from '../../../src/graph/map-error';
import { RequestCounters } from '../../../src/graph/request-counters';
import type { GroupChange } from '../../../src/model/cloud';

type Handler = (method: string, path: string, body?: unknown) => unknown;

/** A fake of the SDK client surface GraphSource uses: api(path).option().get()/post(). */
const ctx = { tenantId: 't', clientId: 'c', authorityHost: 'https://login', graphBaseUrl: 'https://graph' };

function fakeHandle(handler: Handler): GraphClientHandle & { calls: { method: string; path: string; body?: unknown }[] } {
  const calls: { method: string; path: string; body?: unknown }[] = [];
  const client = {
    api(path: string) {
      const req = {
        option: () => req,
        get: async () => {
          calls.push({ method: 'GET', path });
          return handler('GET', path);
        },
        post: async (body: unknown) => {
          calls.push({ method: 'POST', path, body });
          return handler('POST', path, body);
        },
      };
      return req;
    },
  };
  return {
    client: client as never,
    endpoints: {} as never,
    errorContext: ctx,
    mapError: async (err, extra) => mapGraphError(err, { ...ctx, ...extra }),
    counts: () => RequestCounters.zero(),
    resetCounts: () => {},
    close: () => {},
    calls,
  };
}

const notFound = (): never => {
  const e = new GraphError(404, 'Resource does not exist');
  e.code = 'Request_ResourceNotFound';
  throw e;
};

describe('GraphSource over a fake client', () => {
  it('listGroups selects the group properties + extras, pages with $top=999 and follows nextLinks', async () => {
    const http = fakeHandle((_m, path) => {
      if (path.startsWith('/groups?')) return { value: [{ id: 'a', displayName: 'A' }], '@odata.nextLink': 'https://graph/v1.0/groups?$skiptoken=x' };
      if (path.includes('skiptoken=x')) return { value: [{ id: 'b', displayName: 'B' }] };
      throw new Error(path);
    });
    const source = new GraphSource(http, { extraGroupProperties: ['extension_app_Flag'] });
    const pages: string[][] = [];
    for await (const page of source.listGroups()) pages.push(page.map((g) => g.id));
    expect(pages).toEqual([['a'], ['b']]);
    const first = http.calls[0].path;
    expect(first).toContain('$top=999');
    expect(first).toMatch(/\$select=id,displayName,description,securityEnabled,mailEnabled,mailNickname,groupTypes,onPremisesSyncEnabled,onPremisesSecurityIdentifier,onPremisesSamAccountName,securityIdentifier,isAssignableToRole,membershipRule,createdDateTime,extension_app_Flag&/);
  });

  it('fetches the next page while the consumer works; stopping early leaves no unhandled rejection', async () => {
    let secondRequested = false;
    const http = fakeHandle((_m, path) => {
      if (path.startsWith('/groups?')) return { value: [{ id: 'a' }], '@odata.nextLink': 'https://graph/v1.0/groups?$skiptoken=2' };
      secondRequested = true;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const source = new GraphSource(http);
    for await (const page of source.listGroups()) {
      await new Promise((r) => setTimeout(r, 10));
      expect(secondRequested).toBe(true); // look-ahead started before the consumer finished page 1
      expect(page.map((g) => g.id)).toEqual(['a']);
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  });

  it('getUsers splits 2,500 ids (with duplicates) into getByIds calls of at most 1,000, typed user', async () => {
    const http = fakeHandle((_m, _p, body) => {
      const { ids } = body as { ids: string[] };
      return { value: ids.filter((id) => !id.endsWith('9')).map((id) => ({ '@odata.type': '#microsoft.graph.user', id })) };
    });
    const source = new GraphSource(http);
    const ids = Array.from({ length: 2500 }, (_, i) => `u${i}`);
    const users = await source.getUsers([...ids, 'u1', 'u2']);
    const posts = http.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => (c.body as { ids: string[] }).ids.length).sort()).toEqual([1000, 1000, 500]);
    expect(posts.every((c) => (c.body as { types: string[] }).types[0] === 'user')).toBe(true);
    expect(posts[0].path).toMatch(/^\/directoryObjects\/getByIds\?\$select=id,userPrincipalName,.*onPremisesImmutableId/);
    expect(users).toHaveLength(2250);
    expect(new Set(users.map((u) => u.id)).size).toBe(2250);
  });

  it('getGroup returns null on 404; listMembers throws NotFoundError for a missing group', async () => {
    const http = fakeHandle(notFound);
    const source = new GraphSource(http);
    await expect(source.getGroup('missing')).resolves.toBeNull();
    const iterate = async () => {
      for await (const _ of source.listMembers('missing')) void _;
    };
    await expect(iterate()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('delta folds each page, awaits onPage in order and resolves to the deltaLink', async () => {
    const http = fakeHandle((_m, path) => {
      if (path.startsWith('/groups/delta?$select=')) {
        expect(path).toMatch(/,members$/);
        return { value: [{ id: 'g', displayName: 'G', 'members@delta': [{ '@odata.type': '#microsoft.graph.user', id: 'u1' }] }], '@odata.nextLink': 'https://graph/v1.0/groups/delta?$skiptoken=2' };
      }
      if (path.endsWith('$skiptoken=2')) {
        return { value: [{ id: 'g', 'members@delta': [{ '@odata.type': '#microsoft.graph.user', id: 'u2' }] }, { id: 'x', '@removed': { reason: 'deleted' } }], '@odata.deltaLink': 'https://graph/v1.0/groups/delta?$deltatoken=D' };
      }
      throw new Error(path);
    });
    const source = new GraphSource(http);
    const seen: GroupChange[][] = [];
    const link = await source.delta(undefined, async (page) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(page.changes);
    });
    expect(link).toBe('https://graph/v1.0/groups/delta?$deltatoken=D');
    expect(seen).toEqual([
      [{ kind: 'upsert', group: { id: 'g', displayName: 'G' }, memberAdds: [{ id: 'u1', kind: 'user' }], memberRemoves: [] }],
      [{ kind: 'upsert', group: { id: 'g' }, memberAdds: [{ id: 'u2', kind: 'user' }], memberRemoves: [] }, { kind: 'deleted', id: 'x' }],
    ]);
  });

  it('a delta round with a 410 throws DeltaExpiredError', async () => {
    const http = fakeHandle(() => {
      const e = new GraphError(410, 'gone');
      e.code = 'resyncRequired';
      throw e;
    });
    await expect(new GraphSource(http).delta('https://graph/v1.0/groups/delta?$deltatoken=old', async () => {})).rejects.toBeInstanceOf(DeltaExpiredError);
  });

  it('latestDeltaLink asks for $deltatoken=latest with the same $select', async () => {
    const http = fakeHandle((_m, path) => ({ value: [], '@odata.deltaLink': `https://graph/v1.0${path.replace('latest', 'L')}` }));
    const link = await new GraphSource(http).latestDeltaLink();
    expect(http.calls[0].path).toMatch(/^\/groups\/delta\?\$select=id,.*,members&\$deltatoken=latest$/);
    expect(link).toContain('$deltatoken=L');
  });

  it('listDeletedGroupIds pages the deleted groups', async () => {
    const http = fakeHandle((_m, path) =>
      path.includes('skip') ? { value: [{ id: 'd2' }] } : { value: [{ id: 'd1' }], '@odata.nextLink': 'https://graph/v1.0/directory/deletedItems/microsoft.graph.group?$skiptoken=1' },
    );
    expect(await new GraphSource(http).listDeletedGroupIds()).toEqual(new Set(['d1', 'd2']));
    expect(http.calls[0].path).toBe('/directory/deletedItems/microsoft.graph.group?$select=id&$top=999');
  });
});
