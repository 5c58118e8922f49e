/**
 * Entitlement management state and its asynchronous delivery. An assignment request is answered at once as
 * `submitted`/`Accepted` (as Graph does); a moment later it moves to `delivering` and then `delivered`, and only
 * then does the user become a member of the access package's groups, through the TenantStore, so the change
 * shows up in groups delta exactly like any other membership change. A removal (adminRemove, or the expiry of
 * the assignment's schedule, which files a `systemRemove`) takes the user out of every group no other delivered
 * assignment still grants.
 */
import { badRequest, notFound } from '../errors';
import { graphNow, isGuid, newId } from '../ids';
import type { TenantStore } from '../store';
import type {
  AccessPackage, Assignment, AssignmentPolicy, AssignmentRequest, Catalog, CatalogResource, Expiration, RequestType, RoleScope, Schedule,
} from './types';

export interface EntitlementOptions {
  /** Delay before a request starts delivering, and again before it is delivered (default 150 ms each). */
  deliveryDelayMs?: number;
  /** How often expired assignments are looked for (default 250 ms). */
  expirySweepMs?: number;
}

const notSpecified = (): Expiration => ({ endDateTime: null, duration: null, type: 'notSpecified' });

/** ISO 8601 duration (PnDTnHnMnS, PnW) in milliseconds; undefined when it is not one. */
export function durationMs(iso: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
}

export function parseExpiration(value: unknown, field: string): Expiration {
  if (value === undefined || value === null) return notSpecified();
  if (typeof value !== 'object') throw badRequest(`Invalid value for '${field}'.`);
  const v = value as Record<string, unknown>;
  const type = (v.type ?? 'notSpecified') as Expiration['type'];
  if (!['notSpecified', 'noExpiration', 'afterDateTime', 'afterDuration'].includes(type)) {
    throw badRequest(`Invalid value '${String(v.type)}' for '${field}.type'.`);
  }
  const endDateTime = typeof v.endDateTime === 'string' ? v.endDateTime : null;
  const duration = typeof v.duration === 'string' ? v.duration : null;
  if (type === 'afterDateTime' && (!endDateTime || Number.isNaN(Date.parse(endDateTime)))) {
    throw badRequest(`'${field}.endDateTime' must be a date-time when the type is afterDateTime.`);
  }
  if (type === 'afterDuration' && (!duration || durationMs(duration) === undefined)) {
    throw badRequest(`'${field}.duration' must be an ISO 8601 duration when the type is afterDuration.`);
  }
  return { endDateTime, duration, type };
}

export class EntitlementStore {
  readonly catalogs = new Map<string, Catalog>();
  readonly resources = new Map<string, CatalogResource>();
  readonly packages = new Map<string, AccessPackage>();
  readonly roleScopes = new Map<string, RoleScope>();
  readonly policies = new Map<string, AssignmentPolicy>();
  readonly requests = new Map<string, AssignmentRequest>();
  readonly assignments = new Map<string, Assignment>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sweep: NodeJS.Timeout;
  private readonly delayMs: number;

  constructor(private readonly tenant: TenantStore, opts: EntitlementOptions = {}) {
    this.delayMs = opts.deliveryDelayMs ?? 150;
    this.sweep = setInterval(() => this.expireDue(), opts.expirySweepMs ?? 250);
    this.sweep.unref();
  }

  stop(): void {
    clearInterval(this.sweep);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ---- catalogs, resources, packages, policies -------------------------------------------------------------

  addCatalog(input: { displayName: string; description?: string | null; isExternallyVisible?: boolean; state?: Catalog['state'] }): Catalog {
    const now = graphNow();
    const c: Catalog = {
      id: newId(), displayName: input.displayName, description: input.description ?? null, catalogType: 'userManaged',
      state: input.state ?? 'published', isExternallyVisible: input.isExternallyVisible ?? false, createdDateTime: now, modifiedDateTime: now,
    };
    this.catalogs.set(c.id, c);
    return c;
  }

  catalog(id: string): Catalog {
    const c = isGuid(id) ? this.catalogs.get(id.toLowerCase()) : undefined;
    if (!c) throw notFound(id);
    return c;
  }

  /** resourceRequests adminAdd of an AadGroup: the group becomes a resource of the catalog, with Member and Owner roles. */
  addGroupResource(catalogId: string, groupId: string): CatalogResource {
    const catalog = this.catalog(catalogId);
    const group = this.tenant.getGroup(groupId);
    if (!group) throw notFound(groupId);
    const existing = [...this.resources.values()].find((r) => r.catalogId === catalog.id && r.originId === group.id);
    if (existing) throw badRequest(`The resource '${group.id}' is already present in the catalog '${catalog.id}'.`);
    const now = graphNow();
    const role = (name: 'Member' | 'Owner') => ({ id: newId(), displayName: name, description: null, originSystem: 'AadGroup', originId: `${name}_${group.id}` });
    const r: CatalogResource = {
      id: newId(), catalogId: catalog.id, displayName: group.displayName, description: group.description, originId: group.id,
      originSystem: 'AadGroup', createdDateTime: now, modifiedDateTime: now, roles: [role('Member'), role('Owner')],
      scopes: [{ id: newId(), displayName: 'Root', description: 'Root Scope', originSystem: 'AadGroup', originId: group.id, isRootScope: true }],
    };
    this.resources.set(r.id, r);
    return r;
  }

  addPackage(input: { catalogId: string; displayName: string; description?: string | null; isHidden?: boolean }): AccessPackage {
    const catalog = this.catalog(input.catalogId);
    const now = graphNow();
    const p: AccessPackage = {
      id: newId(), catalogId: catalog.id, displayName: input.displayName, description: input.description ?? null,
      isHidden: input.isHidden ?? false, createdDateTime: now, modifiedDateTime: now,
    };
    this.packages.set(p.id, p);
    return p;
  }

  package(id: string): AccessPackage {
    const p = isGuid(id) ? this.packages.get(id.toLowerCase()) : undefined;
    if (!p) throw notFound(id);
    return p;
  }

  /**
   * Add a resource role to a package. The role is found by its id, or else by originId within the resource
   * (given by id or originId) in the package's catalog; the scope must be one of that resource's scopes.
   */
  addRoleScope(packageId: string, role: Record<string, unknown>, scope: Record<string, unknown>): RoleScope {
    const pkg = this.package(packageId);
    const res = (role.resource ?? {}) as Record<string, unknown>;
    const inCatalog = [...this.resources.values()].filter((r) => r.catalogId === pkg.catalogId);
    const resource = inCatalog.find((r) => (typeof res.id === 'string' && r.id === res.id.toLowerCase()) || (typeof res.originId === 'string' && r.originId === res.originId.toLowerCase()))
      ?? inCatalog.find((r) => r.roles.some((x) => x.id === String(role.id ?? '').toLowerCase() || x.originId.toLowerCase() === String(role.originId ?? '').toLowerCase()));
    if (!resource) throw badRequest('The resource of this role is not in the catalog of the access package. Add it with a resourceRequest first.');
    const r = resource.roles.find((x) => x.id === String(role.id ?? '').toLowerCase() || x.originId.toLowerCase() === String(role.originId ?? '').toLowerCase());
    if (!r) throw badRequest(`The resource role '${String(role.originId ?? role.id)}' does not exist on resource '${resource.id}'.`);
    const s = resource.scopes.find((x) => x.id === String(scope.id ?? '').toLowerCase() || x.originId.toLowerCase() === String(scope.originId ?? '').toLowerCase());
    if (!s) throw badRequest(`The resource scope '${String(scope.originId ?? scope.id)}' does not exist on resource '${resource.id}'.`);
    const id = `${r.id}_${s.id}`;
    if ([...this.roleScopes.values()].some((x) => x.accessPackageId === pkg.id && x.id === id)) {
      throw badRequest('The resource role scope is already part of the access package.');
    }
    const rs: RoleScope = { id, accessPackageId: pkg.id, resourceId: resource.id, roleId: r.id, scopeId: s.id, createdDateTime: graphNow() };
    this.roleScopes.set(`${pkg.id}/${id}`, rs);
    return rs;
  }

  roleScopesOf(packageId: string): RoleScope[] {
    return [...this.roleScopes.values()].filter((r) => r.accessPackageId === packageId);
  }

  /** Group ids whose Member role the package grants. */
  groupsOf(packageId: string): string[] {
    const out: string[] = [];
    for (const rs of this.roleScopesOf(packageId)) {
      const res = this.resources.get(rs.resourceId);
      const role = res?.roles.find((x) => x.id === rs.roleId);
      if (res && role?.displayName === 'Member') out.push(res.originId);
    }
    return out;
  }

  addPolicy(input: { accessPackageId: string; displayName: string; description?: string | null; allowedTargetScope?: string; expiration?: unknown; extra?: Record<string, unknown> }): AssignmentPolicy {
    const pkg = this.package(input.accessPackageId);
    const now = graphNow();
    const p: AssignmentPolicy = {
      id: newId(), accessPackageId: pkg.id, displayName: input.displayName, description: input.description ?? null,
      allowedTargetScope: input.allowedTargetScope ?? 'notSpecified', expiration: parseExpiration(input.expiration, 'expiration'),
      createdDateTime: now, modifiedDateTime: now, extra: input.extra ?? {},
    };
    this.policies.set(p.id, p);
    return p;
  }

  // ---- assignment requests ---------------------------------------------------------------------------------

  /** adminAdd: validate, record the request as submitted, deliver asynchronously. */
  requestAdd(input: { accessPackageId: string; assignmentPolicyId: string; targetId: string; schedule?: Schedule; justification?: string | null }): AssignmentRequest {
    const pkg = this.package(input.accessPackageId);
    const policy = isGuid(input.assignmentPolicyId) ? this.policies.get(input.assignmentPolicyId.toLowerCase()) : undefined;
    if (!policy || policy.accessPackageId !== pkg.id) {
      throw badRequest(`The policy '${input.assignmentPolicyId}' is not a policy of the access package '${pkg.id}'.`);
    }
    const user = this.tenant.getUser(input.targetId);
    if (!user) throw notFound(input.targetId);
    const active = [...this.assignments.values()].find((a) => a.accessPackageId === pkg.id && a.targetObjectId === user.id && (a.state === 'delivered' || a.state === 'delivering'));
    if (active) {
      throw badRequest(`The user '${user.id}' already has an active assignment '${active.id}' to the access package '${pkg.id}'. ExistingOpenRequest`);
    }
    const schedule = input.schedule ?? { startDateTime: null, expiration: policy.expiration, recurrence: null };
    const assignment: Assignment = {
      id: newId(), accessPackageId: pkg.id, assignmentPolicyId: policy.id, targetObjectId: user.id, state: 'delivering',
      status: 'Delivering', schedule, expiredDateTime: null,
    };
    const req = this.newRequest('adminAdd', assignment, schedule, input.justification ?? null);
    this.assignments.set(assignment.id, assignment);
    this.process(req.id);
    return req;
  }

  /** adminRemove (or systemRemove on expiry) of an existing assignment. */
  requestRemove(assignmentId: string, type: RequestType = 'adminRemove'): AssignmentRequest {
    const a = isGuid(assignmentId) ? this.assignments.get(assignmentId.toLowerCase()) : undefined;
    if (!a) throw notFound(assignmentId);
    if (a.state === 'expired') throw badRequest(`The assignment '${a.id}' has already been removed or has expired.`);
    const req = this.newRequest(type, a, a.schedule, null);
    this.process(req.id);
    return req;
  }

  private newRequest(type: RequestType, a: Assignment, schedule: Schedule, justification: string | null): AssignmentRequest {
    const req: AssignmentRequest = {
      id: newId(), requestType: type, state: 'submitted', status: 'Accepted', createdDateTime: graphNow(), completedDateTime: null,
      schedule, justification, accessPackageId: a.accessPackageId, assignmentId: a.id, targetObjectId: a.targetObjectId,
    };
    this.requests.set(req.id, req);
    return req;
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.delayMs);
    t.unref();
    this.timers.add(t);
  }

  /** submitted → delivering → delivered, each step after the delivery delay. */
  private process(requestId: string): void {
    this.later(() => {
      const req = this.requests.get(requestId);
      if (!req || req.state !== 'submitted') return;
      req.state = 'delivering';
      req.status = 'Delivering';
      this.later(() => this.deliver(req));
    });
  }

  private deliver(req: AssignmentRequest): void {
    const a = this.assignments.get(req.assignmentId);
    if (!a) return;
    try {
      if (req.requestType === 'adminAdd') {
        for (const g of this.groupsOf(a.accessPackageId)) {
          if (this.tenant.getGroup(g) && !this.tenant.isMember(g, a.targetObjectId)) this.tenant.addMember(g, a.targetObjectId);
        }
        a.state = 'delivered';
        a.status = 'Delivered';
        if (a.schedule.expiration.type === 'afterDuration' && a.schedule.expiration.duration) {
          const end = new Date(Date.now() + (durationMs(a.schedule.expiration.duration) ?? 0));
          a.schedule = { ...a.schedule, expiration: { ...a.schedule.expiration, endDateTime: end.toISOString() } };
        }
        a.schedule = { ...a.schedule, startDateTime: a.schedule.startDateTime ?? graphNow() };
      } else {
        a.state = 'expired';
        a.status = req.requestType === 'systemRemove' ? 'ExpiredNotificationTriggered' : 'Expired';
        a.expiredDateTime = graphNow();
        const stillGranted = new Set<string>();
        for (const other of this.assignments.values()) {
          if (other.id !== a.id && other.targetObjectId === a.targetObjectId && other.state === 'delivered') {
            for (const g of this.groupsOf(other.accessPackageId)) stillGranted.add(g);
          }
        }
        for (const g of this.groupsOf(a.accessPackageId)) {
          if (!stillGranted.has(g) && this.tenant.getGroup(g) && this.tenant.isMember(g, a.targetObjectId)) this.tenant.removeMember(g, a.targetObjectId);
        }
      }
      req.state = 'delivered';
      req.status = 'Delivered';
    } catch (err) {
      req.state = 'deliveryFailed';
      req.status = err instanceof Error ? err.message : String(err);
      if (req.requestType === 'adminAdd') a.state = 'deliveryFailed';
    }
    req.completedDateTime = graphNow();
  }

  /** Delivered assignments whose schedule ended: a systemRemove request each. */
  expireDue(now = Date.now()): number {
    let n = 0;
    for (const a of this.assignments.values()) {
      const end = a.schedule.expiration.endDateTime;
      if (a.state !== 'delivered' || !end || Date.parse(end) > now) continue;
      if ([...this.requests.values()].some((r) => r.assignmentId === a.id && r.requestType !== 'adminAdd' && r.state !== 'delivered')) continue;
      this.requestRemove(a.id, 'systemRemove');
      n++;
    }
    return n;
  }
}
