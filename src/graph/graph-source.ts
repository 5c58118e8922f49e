/**
 * The Source port over Microsoft Graph v1.0. Every listing is streamed page by page ($top=999), so memory holds
 * one page (or one group's member chunk), never the tenant.
 */
import type { AccessPackageGrant, CloudGroup, CloudUser, MemberRef } from '../model/cloud';
import { readAccessPackageGrants } from './access-packages';
import type { DeltaPage, Source, UserDeltaPage } from '../model/ports';
import { CancelledError } from '../core/errors';
import type { GraphClientHandle } from './client';
import { foldGroupDeltaPage, foldUserDeltaPage } from './delta-fold';
import { BrokenReadError, GraphRequestError } from './errors';
import { memberKind, toCloudGroup, toCloudUser, toMemberRef } from './odata';
import { extraProperties, GROUP_PROPERTIES, USER_PROPERTIES } from './properties';

type Json = Record<string, unknown>;

interface Page {
  value: Json[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export interface GraphSourceOptions {
  /** Further group properties to read, e.g. `extension_<appId>_WritebackEnabled`; they land in `CloudGroup.extra`. */
  extraGroupProperties?: string[];
  /** Further user properties, e.g. `onPremisesObjectIdentifier` where the tenant returns it. */
  extraUserProperties?: string[];
  /** `$top` of listings (1..999). Default 999. */
  pageSize?: number;
  /** getByIds calls in flight at once. Default 4. */
  bulkConcurrency?: number;
}

/** getByIds takes at most this many ids per call. */
export const GET_BY_IDS_MAX = 1000;

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

export class GraphSource implements Source {
  private readonly groupExtras: string[];
  private readonly userExtras: string[];
  private readonly groupSelect: string;
  private readonly userSelect: string;
  private readonly top: number;
  private readonly concurrency: number;

  constructor(
    readonly http: GraphClientHandle,
    options: GraphSourceOptions = {},
  ) {
    this.groupExtras = extraProperties(options.extraGroupProperties, GROUP_PROPERTIES, 'source.extraGroupProperties');
    this.userExtras = extraProperties(options.extraUserProperties, USER_PROPERTIES, 'source.extraUserProperties');
    this.groupSelect = [...GROUP_PROPERTIES, ...this.groupExtras].join(',');
    this.userSelect = [...USER_PROPERTIES, ...this.userExtras].join(',');
    this.top = Math.min(Math.max(Math.trunc(options.pageSize ?? 999), 1), 999);
    this.concurrency = Math.max(1, options.bulkConcurrency ?? 4);
  }

  /** HTTP requests sent so far (retries included). */
  counts() {
    return this.http.counts();
  }

  async close(): Promise<void> {
    this.http.close();
  }

  async *listGroups(signal?: AbortSignal): AsyncIterable<CloudGroup[]> {
    for await (const page of this.pages(`/groups?$select=${this.groupSelect}&$top=${this.top}`, 'GET /groups', signal)) {
      yield page.value.map((g) => toCloudGroup(g, this.groupExtras));
    }
  }

  async getGroup(id: string, signal?: AbortSignal): Promise<CloudGroup | null> {
    try {
      const json = (await this.request(`/groups/${encodeURIComponent(id)}?$select=${this.groupSelect}`, signal)) as Json;
      return toCloudGroup(json, this.groupExtras);
    } catch (err) {
      const mapped = await this.http.mapError(err, { operation: 'GET /groups/{id}', target: id });
      if (mapped.category === 'ObjectNotFound') return null;
      throw mapped;
    }
  }

  /**
   * The direct members, page by page. A member of a kind this version does not know, or the same member twice
   * (a page served again), breaks the read: a member list the engine cannot trust must not drive removals.
   */
  async *listMembers(groupId: string, signal?: AbortSignal): AsyncIterable<MemberRef[]> {
    const path = `/groups/${encodeURIComponent(groupId)}/members?$select=id,displayName,userPrincipalName&$top=${this.top}`;
    const seen = new Set<string>();
    const operation = 'GET /groups/{id}/members';
    for await (const page of this.pages(path, operation, signal, groupId)) {
      for (const m of page.value) {
        const type = m['@odata.type'];
        if (type !== undefined && memberKind(type) === 'other') {
          throw new BrokenReadError(`${operation}: member ${String(m.id)} of group ${groupId} is of an unknown type ${JSON.stringify(type)}: the member list is not used.`, {
            target: groupId,
            hint: 'Nothing was removed from this group. If Graph added a new kind of member, update GroupWriteback; otherwise the next cycle reads the group again.',
          });
        }
        const id = String(m.id).toLowerCase();
        if (seen.has(id)) throw new BrokenReadError(`${operation}: member ${id} of group ${groupId} came twice (a page repeated): the member list is not used.`, { target: groupId });
        seen.add(id);
      }
      yield page.value.map(toMemberRef);
    }
  }

  /** The number of direct members (`/members/$count`, an advanced query): proves a member listing complete. */
  async countMembers(groupId: string, signal?: AbortSignal): Promise<number> {
    const operation = 'GET /groups/{id}/members/$count';
    let raw: unknown;
    try {
      checkSignal(signal);
      const req = this.http.client.api(`/groups/${encodeURIComponent(groupId)}/members/$count`).header('ConsistencyLevel', 'eventual');
      if (signal) req.option('signal', signal);
      raw = await req.get();
    } catch (err) {
      throw await this.http.mapError(err, { operation, target: groupId });
    }
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isInteger(n) || n < 0) throw new BrokenReadError(`${operation}: not a count: ${String(raw).slice(0, 80)}`, { target: groupId });
    return n;
  }

  async getUsers(ids: string[], signal?: AbortSignal): Promise<CloudUser[]> {
    const found = await this.getByIds(ids, 'user', this.userSelect, signal);
    return found.map(toCloudUser);
  }

  async getGroups(ids: string[], signal?: AbortSignal): Promise<CloudGroup[]> {
    const found = await this.getByIds(ids, 'group', this.groupSelect, signal);
    return found.map((g) => toCloudGroup(g, this.groupExtras));
  }

  async listDeletedGroupIds(signal?: AbortSignal): Promise<Set<string>> {
    const ids = new Set<string>();
    const path = `/directory/deletedItems/microsoft.graph.group?$select=id&$top=${this.top}`;
    for await (const page of this.pages(path, 'GET /directory/deletedItems/microsoft.graph.group', signal)) {
      for (const item of page.value) ids.add(String(item.id));
    }
    return ids;
  }

  async findUser(idOrUpn: string, signal?: AbortSignal): Promise<CloudUser | null> {
    try {
      const json = (await this.request(`/users/${encodeURIComponent(idOrUpn)}?$select=${this.userSelect}`, signal)) as Json;
      return toCloudUser(json);
    } catch (err) {
      const mapped = await this.http.mapError(err, { operation: 'GET /users/{id}', target: idOrUpn });
      if (mapped.category === 'ObjectNotFound') return null;
      throw mapped;
    }
  }

  async userGroupIds(userId: string, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    // memberOf also lists directory roles and administrative units: keep the groups.
    const path = `/users/${encodeURIComponent(userId)}/memberOf?$select=id&$top=${this.top}`;
    for await (const page of this.pages(path, 'GET /users/{id}/memberOf', signal, userId)) {
      for (const g of page.value) if (toMemberRef(g).kind === 'group') ids.push(String(g.id).toLowerCase());
    }
    return ids;
  }

  async accessPackageGrants(userId: string, signal?: AbortSignal): Promise<AccessPackageGrant[]> {
    const list = async (path: string) => {
      const out: Json[] = [];
      for await (const page of this.pages(path, 'GET /identityGovernance/entitlementManagement/assignments', signal, userId)) out.push(...page.value);
      return out;
    };
    const get = async (path: string) => {
      try {
        return (await this.request(path, signal)) as Json;
      } catch (err) {
        throw await this.http.mapError(err, { operation: 'GET /identityGovernance/entitlementManagement/accessPackages/{id}', target: path });
      }
    };
    return readAccessPackageGrants(userId, list, get);
  }

  delta(deltaLink: string | undefined, onPage: (page: DeltaPage) => Promise<void>, signal?: AbortSignal): Promise<string> {
    return this.deltaRound(deltaLink ?? `/groups/delta?$select=${this.groupSelect},members`, 'GET /groups/delta', signal, (values) =>
      onPage({ changes: foldGroupDeltaPage(values, this.groupExtras) }),
    );
  }

  latestDeltaLink(signal?: AbortSignal): Promise<string> {
    return this.latest(`/groups/delta?$select=${this.groupSelect},members&$deltatoken=latest`, 'GET /groups/delta', signal);
  }

  usersDelta(deltaLink: string | undefined, onPage: (page: UserDeltaPage) => Promise<void>, signal?: AbortSignal): Promise<string> {
    return this.deltaRound(deltaLink ?? `/users/delta?$select=${this.userSelect}`, 'GET /users/delta', signal, (values) =>
      onPage({ changes: foldUserDeltaPage(values) }),
    );
  }

  latestUsersDeltaLink(signal?: AbortSignal): Promise<string> {
    return this.latest(`/users/delta?$select=${this.userSelect}&$deltatoken=latest`, 'GET /users/delta', signal);
  }

  // ---------------------------------------------------------------------------------------------------------

  private async request(path: string, signal: AbortSignal | undefined): Promise<unknown> {
    checkSignal(signal);
    const req = this.http.client.api(path);
    if (signal) req.option('signal', signal);
    return req.get();
  }

  /**
   * Follow `@odata.nextLink` from `first`; yields each page. While the consumer works on a page, the next one is
   * already being fetched (one page of look-ahead: at most two pages in memory).
   */
  private async *pages(first: string, operation: string, signal: AbortSignal | undefined, target?: string): AsyncGenerator<Page> {
    const fetchPage = async (url: string): Promise<Page> => {
      let page: Page;
      try {
        page = (await this.request(url, signal)) as Page;
      } catch (err) {
        const mapped = await this.http.mapError(err, { operation, ...(target ? { target } : {}) });
        // A 200 whose body is not JSON (cut short, an HTML page from a proxy) surfaces as a parse failure.
        if (mapped instanceof GraphRequestError && /JSON|Unexpected (end|token)|Unterminated/i.test(mapped.message)) {
          throw new BrokenReadError(`${operation}: Graph's answer is not valid JSON (cut short?): ${mapped.message}`, { target: target ?? operation, cause: err });
        }
        throw mapped;
      }
      if (!page || typeof page !== 'object' || !Array.isArray(page.value)) {
        const what = typeof page === 'string' ? `text (${JSON.stringify((page as string).slice(0, 60))}…)` : 'JSON without a value array';
        throw new BrokenReadError(`${operation}: Graph answered ${what} instead of a page.`, { target: target ?? operation });
      }
      return page;
    };
    const followed = new Set<string>([first]);
    let pending: Promise<Page> | undefined = fetchPage(first);
    try {
      while (pending) {
        const page: Page = await pending;
        const next = page['@odata.nextLink'];
        if (next !== undefined && followed.has(next)) {
          throw new BrokenReadError(`${operation}: the next link points back to a page already read (a page repeated): the listing is not used.`, { target: target ?? operation });
        }
        if (next !== undefined) followed.add(next);
        pending = next ? fetchPage(next) : undefined;
        // If the consumer stops early, the look-ahead's outcome must not become an unhandled rejection.
        pending?.catch(() => undefined);
        yield page;
      }
    } finally {
      pending = undefined;
    }
  }

  private async deltaRound(first: string, operation: string, signal: AbortSignal | undefined, onValues: (values: Json[]) => Promise<void>): Promise<string> {
    for await (const page of this.pages(first, operation, signal)) {
      await onValues(page.value);
      if (!page['@odata.nextLink']) {
        const link = page['@odata.deltaLink'];
        // Neither a next link nor a delta link: the round was cut short (Graph always ends a round with its delta link).
        if (!link) throw new BrokenReadError(`${operation}: a page carries neither a next link nor a delta link: the round was cut short and is not used.`, { target: operation });
        return link;
      }
    }
    throw new GraphRequestError(`${operation}: the delta round ended without pages.`, { target: operation });
  }

  private async latest(path: string, operation: string, signal: AbortSignal | undefined): Promise<string> {
    let link: string | undefined;
    for await (const page of this.pages(path, operation, signal)) {
      link = page['@odata.deltaLink'] ?? link;
    }
    if (!link) throw new GraphRequestError(`${operation}: Graph returned no delta link for $deltatoken=latest.`, { target: operation });
    return link;
  }

  private async getByIds(ids: string[], type: 'user' | 'group', select: string, signal: AbortSignal | undefined): Promise<Json[]> {
    const unique = [...new Set(ids)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += GET_BY_IDS_MAX) chunks.push(unique.slice(i, i + GET_BY_IDS_MAX));
    const results: Json[] = [];
    let nextChunk = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (nextChunk < chunks.length && !failed) {
        const chunk = chunks[nextChunk++];
        checkSignal(signal);
        try {
          const req = this.http.client.api(`/directoryObjects/getByIds?$select=${select}`);
          if (signal) req.option('signal', signal);
          const res = (await req.post({ ids: chunk, types: [type] })) as Page;
          for (const obj of res?.value ?? []) {
            // Unknown ids are omitted; objects of another type (if `types` were ignored) are dropped.
            const t = String(obj['@odata.type'] ?? `#microsoft.graph.${type}`).toLowerCase();
            if (t === `#microsoft.graph.${type}`) results.push(obj);
          }
        } catch (err) {
          failed = true;
          throw await this.http.mapError(err, { operation: 'POST /directoryObjects/getByIds' });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
    return results;
  }
}
