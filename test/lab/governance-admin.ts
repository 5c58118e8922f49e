/**
 * An Entra ID Governance admin's script, as raw HTTPS requests in Graph's documented shapes: get a token
 * (client credentials), put a group into a catalog, make an access package with the group's Member role and a
 * direct-assignment policy, then assign (adminAdd, optionally with an expiry) and remove (adminRemove) users.
 * Used by the governance tests; it knows nothing of the emulator beyond its base URL and authority.
 */
export interface GovernanceEndpoint {
  baseUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

const EM = '/v1.0/identityGovernance/entitlementManagement';

export class GovernanceAdmin {
  private token?: string;

  constructor(private readonly ep: GovernanceEndpoint) {}

  private async bearer(): Promise<string> {
    if (this.token) return this.token;
    const res = await fetch(`${this.ep.authorityHost}/${this.ep.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.ep.clientId, client_secret: this.ep.clientSecret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default',
      }),
    });
    const body = (await res.json()) as { access_token?: string; error_description?: string };
    if (!res.ok || !body.access_token) throw new Error(`token request failed: ${res.status} ${body.error_description ?? ''}`);
    return (this.token = body.access_token);
  }

  /** One Graph call; throws with Graph's error code and message on a non-2xx answer. */
  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.ep.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${await this.bearer()}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const e = new Error(`${method} ${path} → ${res.status} ${parsed?.error?.code}: ${parsed?.error?.message}`) as Error & { status: number; code?: string };
      e.status = res.status;
      e.code = parsed?.error?.code;
      throw e;
    }
    return { status: res.status, body: parsed as T };
  }

  /** Catalog + the group as its resource + an access package granting the group's Member role + a direct policy. */
  async packageForGroup(groupId: string, name: string): Promise<{ catalogId: string; accessPackageId: string; policyId: string }> {
    const catalog = (await this.call('POST', `${EM}/catalogs`, { displayName: `${name} catalog`, description: `Resources of ${name}`, isExternallyVisible: false })).body;
    await this.call('POST', `${EM}/resourceRequests`, {
      requestType: 'adminAdd', resource: { originId: groupId, originSystem: 'AadGroup' }, catalog: { id: catalog.id },
    });
    const resources = (await this.call('GET', `${EM}/catalogs/${catalog.id}/resources?$filter=originId eq '${groupId}'&$expand=roles,scopes`)).body.value;
    const resource = resources[0];
    const member = resource.roles.find((r: { displayName: string }) => r.displayName === 'Member');
    const pkg = (await this.call('POST', `${EM}/accessPackages`, { displayName: name, description: `Access to ${name}`, isHidden: false, catalog: { id: catalog.id } })).body;
    await this.call('POST', `${EM}/accessPackages/${pkg.id}/resourceRoleScopes`, {
      role: { id: member.id, displayName: 'Member', originSystem: 'AadGroup', originId: member.originId, resource: { id: resource.id, originId: groupId, originSystem: 'AadGroup' } },
      scope: { id: resource.scopes[0].id, originId: groupId, originSystem: 'AadGroup', isRootScope: true },
    });
    const policy = (await this.call('POST', `${EM}/assignmentPolicies`, {
      displayName: 'Direct assignments', description: 'Assigned by an administrator', allowedTargetScope: 'notSpecified',
      specificAllowedTargets: [], expiration: { type: 'noExpiration' }, requestorSettings: { enableTargetsToSelfAddAccess: false },
      requestApprovalSettings: { isApprovalRequiredForAdd: false, isApprovalRequiredForUpdate: false, stages: [] },
      accessPackage: { id: pkg.id },
    })).body;
    return { catalogId: catalog.id, accessPackageId: pkg.id, policyId: policy.id };
  }

  /** adminAdd; `endDateTime` gives the assignment an expiry. Returns the request as Graph answered it. */
  async assign(userId: string, pkg: { accessPackageId: string; policyId: string }, endDateTime?: Date): Promise<any> {
    return (await this.call('POST', `${EM}/assignmentRequests`, {
      requestType: 'adminAdd',
      assignment: { targetId: userId, assignmentPolicyId: pkg.policyId, accessPackageId: pkg.accessPackageId },
      ...(endDateTime ? { schedule: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDateTime', endDateTime: endDateTime.toISOString() } } } : {}),
    })).body;
  }

  async remove(assignmentId: string): Promise<any> {
    return (await this.call('POST', `${EM}/assignmentRequests`, { requestType: 'adminRemove', assignment: { id: assignmentId } })).body;
  }

  async request(id: string): Promise<any> {
    return (await this.call('GET', `${EM}/assignmentRequests/${id}`)).body;
  }

  /** The user's assignments to a package, with the target expanded. */
  async assignments(userId: string, accessPackageId: string): Promise<any[]> {
    const q = `$filter=target/objectId eq '${userId}' and accessPackage/id eq '${accessPackageId}'&$expand=target,accessPackage`;
    return (await this.call('GET', `${EM}/assignments?${q}`)).body.value;
  }

  /** Poll a request until it reaches `state` (delivery is asynchronous). */
  async waitForRequest(id: string, state = 'delivered', timeoutMs = 10_000): Promise<any> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.request(id);
      if (r.state === state) return r;
      if (r.state === 'deliveryFailed' || Date.now() > until) throw new Error(`request ${id} is ${r.state} (${r.status}), not ${state}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }

  /** Poll until the user's assignment to the package is in `state` (e.g. expired). */
  async waitForAssignment(userId: string, accessPackageId: string, state: string, timeoutMs = 15_000): Promise<any> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const a = (await this.assignments(userId, accessPackageId)).find((x) => x.state === state);
      if (a) return a;
      if (Date.now() > until) throw new Error(`no assignment of ${userId} to ${accessPackageId} reached ${state}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
}
