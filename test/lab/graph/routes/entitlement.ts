/**
 * Graph v1.0 `identityGovernance/entitlementManagement`: catalogs, catalog resources (added through
 * `resourceRequests`), access packages with resource role scopes, assignment policies, assignment requests
 * (`adminAdd` / `adminRemove`, answered `submitted` and delivered asynchronously) and assignments. Request and
 * response shapes follow Microsoft's v1.0 API pages; see governance/entitlement-store.ts for the delivery.
 */
import { badRequest, notFound } from '../errors';
import type { EntitlementStore } from '../governance/entitlement-store';
import { parseExpiration } from '../governance/entitlement-store';
import { matchesAll, parseEqFilter, parseExpand } from '../governance/odata';
import type { AccessPackage, Assignment, AssignmentPolicy, AssignmentRequest, Catalog, CatalogResource, RoleScope, Schedule } from '../governance/types';
import { json, type GraphRequest, type GraphResponse } from '../http-types';
import { isGuid } from '../ids';
import type { Route } from '../router';
import type { TenantStore } from '../store';
import { bodyObject } from './common';

const BASE = '/identityGovernance/entitlementManagement';

const ctxUrl = (req: GraphRequest, set: string, entity = false) =>
  `${req.origin}/${req.version}/$metadata#identityGovernance/entitlementManagement/${set}${entity ? '/$entity' : ''}`;

function collection(req: GraphRequest, set: string, value: unknown[]): GraphResponse {
  return json(200, { '@odata.context': ctxUrl(req, set), value });
}

function entity(req: GraphRequest, set: string, body: Record<string, unknown>, status = 200): GraphResponse {
  return json(status, { '@odata.context': ctxUrl(req, set, true), ...body });
}

function str(body: Record<string, unknown>, name: string, required = true): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw badRequest(`The property '${name}' is required.`);
    return undefined;
  }
  if (typeof v !== 'string') throw badRequest(`The property '${name}' must be a string.`);
  return v;
}

function idOf(value: unknown, what: string): string {
  const id = (value as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !isGuid(id)) throw badRequest(`'${what}.id' must be the identifier of an existing ${what}.`);
  return id.toLowerCase();
}

// ---- serialisers (property sets of the v1.0 resource pages) ------------------------------------------------

const catalogJson = (c: Catalog) => {
  const { id, displayName, description, catalogType, state, isExternallyVisible, createdDateTime, modifiedDateTime } = c;
  return { id, displayName, description, catalogType, state, isExternallyVisible, createdDateTime, modifiedDateTime };
};

const resourceJson = (r: CatalogResource, expand: Map<string, string[]>) => ({
  id: r.id, displayName: r.displayName, description: r.description, originId: r.originId, originSystem: r.originSystem,
  createdDateTime: r.createdDateTime, modifiedDateTime: r.modifiedDateTime, attributes: [],
  ...(expand.has('roles') ? { roles: r.roles.map((x) => ({ ...x })) } : {}),
  ...(expand.has('scopes') ? { scopes: r.scopes.map((x) => ({ ...x })) } : {}),
});

const packageJson = (p: AccessPackage) => {
  const { id, displayName, description, isHidden, createdDateTime, modifiedDateTime } = p;
  return { id, displayName, description, isHidden, createdDateTime, modifiedDateTime };
};

function roleScopeJson(em: EntitlementStore, rs: RoleScope, nested: string[]): Record<string, unknown> {
  const res = em.resources.get(rs.resourceId)!;
  const out: Record<string, unknown> = { id: rs.id, createdDateTime: rs.createdDateTime };
  if (nested.includes('role')) {
    const role = res.roles.find((x) => x.id === rs.roleId)!;
    out.role = { ...role, resource: resourceJson(res, new Map()) };
  }
  if (nested.includes('scope')) out.scope = { ...res.scopes.find((x) => x.id === rs.scopeId)! };
  return out;
}

const policyJson = (p: AssignmentPolicy) => ({
  id: p.id, displayName: p.displayName, description: p.description, allowedTargetScope: p.allowedTargetScope,
  specificAllowedTargets: [], expiration: p.expiration, createdDateTime: p.createdDateTime, modifiedDateTime: p.modifiedDateTime,
  ...p.extra,
});

const requestJson = (r: AssignmentRequest) => ({
  id: r.id, requestType: r.requestType, state: r.state, status: r.status, createdDateTime: r.createdDateTime,
  completedDateTime: r.completedDateTime, justification: r.justification, schedule: r.schedule, answers: [],
  customExtensionCalloutInstances: [],
});

function subjectJson(tenant: TenantStore, objectId: string) {
  const u = tenant.getUser(objectId);
  return {
    id: objectId, displayName: u?.displayName ?? null, email: u?.mail ?? null, principalName: u?.userPrincipalName ?? null,
    objectId, subjectType: 'user',
  };
}

function assignmentJson(em: EntitlementStore, tenant: TenantStore, a: Assignment, expand: Map<string, string[]>) {
  return {
    id: a.id, state: a.state, status: a.status, expiredDateTime: a.expiredDateTime, schedule: a.schedule, customExtensionCalloutInstances: [],
    ...(expand.has('target') ? { target: subjectJson(tenant, a.targetObjectId) } : {}),
    ...(expand.has('accesspackage') ? { accessPackage: packageJson(em.packages.get(a.accessPackageId)!) } : {}),
    ...(expand.has('assignmentpolicy') ? { assignmentPolicy: policyJson(em.policies.get(a.assignmentPolicyId)!) } : {}),
  };
}

function schedule(value: unknown): Schedule | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw badRequest("Invalid value for 'schedule'.");
  const v = value as Record<string, unknown>;
  const start = v.startDateTime;
  if (start !== undefined && start !== null && (typeof start !== 'string' || Number.isNaN(Date.parse(start)))) {
    throw badRequest("'schedule.startDateTime' must be a date-time.");
  }
  return { startDateTime: (start as string | null | undefined) ?? null, expiration: parseExpiration(v.expiration, 'schedule.expiration'), recurrence: null };
}

// ---- routes ------------------------------------------------------------------------------------------------

export function entitlementRoutes(): Route[] {
  const r = 'entitlement.read' as const;
  const w = 'entitlement.write' as const;
  return [
    {
      method: 'GET', pattern: `${BASE}/catalogs`, cost: 1, perms: [r],
      handler: (req, _p, ctx) => {
        const f = parseEqFilter(req.query.get('$filter'), ['displayname', 'id']);
        const items = [...ctx.governance.catalogs.values()].filter((c) => matchesAll(f, (p) => (p === 'id' ? c.id : c.displayName)));
        return collection(req, 'catalogs', items.map(catalogJson));
      },
    },
    {
      method: 'POST', pattern: `${BASE}/catalogs`, cost: 1, write: true, perms: [w],
      handler: (req, _p, ctx) => {
        const b = bodyObject(req);
        const c = ctx.governance.addCatalog({
          displayName: str(b, 'displayName')!, description: str(b, 'description', false) ?? null,
          isExternallyVisible: b.isExternallyVisible === true, ...(b.state === 'unpublished' ? { state: 'unpublished' as const } : {}),
        });
        return entity(req, 'catalogs', catalogJson(c), 201);
      },
    },
    {
      method: 'GET', pattern: `${BASE}/catalogs/{id}`, cost: 1, perms: [r],
      handler: (req, p, ctx) => entity(req, 'catalogs', catalogJson(ctx.governance.catalog(p.id))),
    },
    {
      method: 'GET', pattern: `${BASE}/catalogs/{id}/resources`, cost: 1, perms: [r],
      handler: (req, p, ctx) => {
        const c = ctx.governance.catalog(p.id);
        const f = parseEqFilter(req.query.get('$filter'), ['originid', 'originsystem', 'id']);
        const expand = parseExpand(req.query.get('$expand'), ['roles', 'scopes']);
        const items = [...ctx.governance.resources.values()]
          .filter((x) => x.catalogId === c.id && matchesAll(f, (k) => (k === 'originid' ? x.originId : k === 'originsystem' ? x.originSystem : x.id)));
        return collection(req, `catalogs('${c.id}')/resources`, items.map((x) => resourceJson(x, expand)));
      },
    },
    {
      method: 'GET', pattern: `${BASE}/catalogs/{id}/resourceRoles`, cost: 1, perms: [r],
      handler: (req, p, ctx) => {
        const c = ctx.governance.catalog(p.id);
        const f = parseEqFilter(req.query.get('$filter'), ['originsystem', 'resource/id', 'resource/originid', 'originid']);
        const expand = parseExpand(req.query.get('$expand'), ['resource']);
        const out: Record<string, unknown>[] = [];
        for (const res of ctx.governance.resources.values()) {
          if (res.catalogId !== c.id) continue;
          for (const role of res.roles) {
            const ok = matchesAll(f, (k) => ({ originsystem: role.originSystem, 'resource/id': res.id, 'resource/originid': res.originId, originid: role.originId })[k]);
            if (ok) out.push({ ...role, ...(expand.has('resource') ? { resource: resourceJson(res, new Map()) } : {}) });
          }
        }
        return collection(req, `catalogs('${c.id}')/resourceRoles`, out);
      },
    },
    {
      method: 'POST', pattern: `${BASE}/resourceRequests`, cost: 1, write: true, perms: [w],
      handler: (req, _p, ctx) => {
        const b = bodyObject(req);
        const type = str(b, 'requestType')!;
        if (type.toLowerCase() !== 'adminadd') throw badRequest(`requestType '${type}' is not supported by the lab (adminAdd only).`);
        const resource = (b.resource ?? {}) as Record<string, unknown>;
        if (String(resource.originSystem ?? '').toLowerCase() !== 'aadgroup') throw badRequest("resource.originSystem must be 'AadGroup' (groups are the only resources the lab knows).");
        const groupId = str(resource, 'originId')!;
        if (!isGuid(groupId)) throw badRequest(`Invalid object identifier '${groupId}'.`);
        const added = ctx.governance.addGroupResource(idOf(b.catalog, 'catalog'), groupId);
        return entity(req, 'resourceRequests', { id: added.id, requestType: 'adminAdd', state: 'delivered' }, 201);
      },
    },
    {
      method: 'GET', pattern: `${BASE}/accessPackages`, cost: 1, perms: [r],
      handler: (req, _p, ctx) => {
        const f = parseEqFilter(req.query.get('$filter'), ['displayname', 'id', 'catalog/id']);
        const items = [...ctx.governance.packages.values()].filter((x) => matchesAll(f, (k) => (k === 'id' ? x.id : k === 'catalog/id' ? x.catalogId : x.displayName)));
        return collection(req, 'accessPackages', items.map(packageJson));
      },
    },
    {
      method: 'POST', pattern: `${BASE}/accessPackages`, cost: 1, write: true, perms: [w],
      handler: (req, _p, ctx) => {
        const b = bodyObject(req);
        const p = ctx.governance.addPackage({
          catalogId: idOf(b.catalog, 'catalog'), displayName: str(b, 'displayName')!, description: str(b, 'description', false) ?? null,
          isHidden: b.isHidden === true,
        });
        return entity(req, 'accessPackages', packageJson(p), 201);
      },
    },
    {
      method: 'GET', pattern: `${BASE}/accessPackages/{id}`, cost: 1, perms: [r],
      handler: (req, p, ctx) => {
        const pkg = ctx.governance.package(p.id);
        const expand = parseExpand(req.query.get('$expand'), ['resourcerolescopes', 'catalog', 'assignmentpolicies']);
        const out: Record<string, unknown> = packageJson(pkg);
        const rs = expand.get('resourcerolescopes');
        if (rs) out.resourceRoleScopes = ctx.governance.roleScopesOf(pkg.id).map((x) => roleScopeJson(ctx.governance, x, rs));
        if (expand.has('catalog')) out.catalog = catalogJson(ctx.governance.catalog(pkg.catalogId));
        if (expand.has('assignmentpolicies')) out.assignmentPolicies = [...ctx.governance.policies.values()].filter((x) => x.accessPackageId === pkg.id).map(policyJson);
        return entity(req, 'accessPackages', out);
      },
    },
    {
      method: 'GET', pattern: `${BASE}/accessPackages/{id}/resourceRoleScopes`, cost: 1, perms: [r],
      handler: (req, p, ctx) => {
        const pkg = ctx.governance.package(p.id);
        const nested = [...parseExpand(req.query.get('$expand'), ['role', 'scope']).keys()];
        return collection(req, `accessPackages('${pkg.id}')/resourceRoleScopes`, ctx.governance.roleScopesOf(pkg.id).map((x) => roleScopeJson(ctx.governance, x, nested)));
      },
    },
    {
      method: 'POST', pattern: `${BASE}/accessPackages/{id}/resourceRoleScopes`, cost: 1, write: true, perms: [w],
      handler: (req, p, ctx) => {
        const b = bodyObject(req);
        if (!b.role || typeof b.role !== 'object' || !b.scope || typeof b.scope !== 'object') throw badRequest("Both 'role' and 'scope' are required.");
        const rs = ctx.governance.addRoleScope(p.id, b.role as Record<string, unknown>, b.scope as Record<string, unknown>);
        return entity(req, `accessPackages('${rs.accessPackageId}')/resourceRoleScopes`, { id: rs.id, createdDateTime: rs.createdDateTime }, 201);
      },
    },
    {
      method: 'GET', pattern: `${BASE}/assignmentPolicies`, cost: 1, perms: [r],
      handler: (req, _p, ctx) => {
        const f = parseEqFilter(req.query.get('$filter'), ['accesspackage/id', 'id', 'displayname']);
        const items = [...ctx.governance.policies.values()].filter((x) => matchesAll(f, (k) => (k === 'id' ? x.id : k === 'displayname' ? x.displayName : x.accessPackageId)));
        return collection(req, 'assignmentPolicies', items.map(policyJson));
      },
    },
    {
      method: 'POST', pattern: `${BASE}/assignmentPolicies`, cost: 1, write: true, perms: [w],
      handler: (req, _p, ctx) => {
        const b = bodyObject(req);
        const own = new Set(['accessPackage', 'displayName', 'description', 'allowedTargetScope', 'expiration']);
        const extra = Object.fromEntries(Object.entries(b).filter(([k]) => !own.has(k) && !k.startsWith('@odata')));
        const pol = ctx.governance.addPolicy({
          accessPackageId: idOf(b.accessPackage, 'accessPackage'), displayName: str(b, 'displayName')!,
          description: typeof b.description === 'string' ? b.description : null,
          ...(typeof b.allowedTargetScope === 'string' ? { allowedTargetScope: b.allowedTargetScope } : {}), expiration: b.expiration, extra,
        });
        return entity(req, 'assignmentPolicies', policyJson(pol), 201);
      },
    },
    {
      method: 'GET', pattern: `${BASE}/assignmentPolicies/{id}`, cost: 1, perms: [r],
      handler: (req, p, ctx) => {
        const pol = isGuid(p.id) ? ctx.governance.policies.get(p.id.toLowerCase()) : undefined;
        if (!pol) throw notFound(p.id);
        return entity(req, 'assignmentPolicies', policyJson(pol));
      },
    },
    {
      method: 'GET', pattern: `${BASE}/assignmentRequests`, cost: 1, perms: [r],
      handler: (req, _p, ctx) => {
        const f = parseEqFilter(req.query.get('$filter'), ['state', 'requesttype', 'accesspackage/id', 'id']);
        const items = [...ctx.governance.requests.values()].filter((x) => matchesAll(f, (k) => ({ state: x.state, requesttype: x.requestType, 'accesspackage/id': x.accessPackageId, id: x.id })[k]));
        return collection(req, 'assignmentRequests', items.map(requestJson));
      },
    },
    {
      method: 'POST', pattern: `${BASE}/assignmentRequests`, cost: 1, write: true, perms: [w],
      handler: (req, _p, ctx) => {
        const b = bodyObject(req);
        const type = str(b, 'requestType')!;
        const a = (b.assignment ?? b.accessPackageAssignment) as Record<string, unknown> | undefined;
        if (!a || typeof a !== 'object') throw badRequest("The property 'assignment' is required.");
        let out: AssignmentRequest;
        switch (type.toLowerCase()) {
          case 'adminadd':
            out = ctx.governance.requestAdd({
              accessPackageId: str(a, 'accessPackageId')!, assignmentPolicyId: str(a, 'assignmentPolicyId')!, targetId: str(a, 'targetId')!,
              ...(schedule(b.schedule) ? { schedule: schedule(b.schedule)! } : {}), justification: typeof b.justification === 'string' ? b.justification : null,
            });
            break;
          case 'adminremove':
            out = ctx.governance.requestRemove(str(a, 'id')!);
            break;
          default:
            throw badRequest(`requestType '${type}' is not supported by the lab (adminAdd, adminRemove).`);
        }
        return entity(req, 'assignmentRequests', requestJson(out), 201);
      },
    },
    {
      method: 'GET', pattern: `${BASE}/assignmentRequests/{id}`, cost: 1, perms: [r],
      handler: (req, p, ctx) => {
        const x = isGuid(p.id) ? ctx.governance.requests.get(p.id.toLowerCase()) : undefined;
        if (!x) throw notFound(p.id);
        return entity(req, 'assignmentRequests', requestJson(x));
      },
    },
    {
      method: 'GET', pattern: `${BASE}/assignments`, cost: 1, perms: [r],
      handler: (req, _p, ctx) => {
        const f = parseEqFilter(req.query.get('$filter'), ['target/objectid', 'accesspackage/id', 'state', 'assignmentpolicy/id', 'id']);
        const expand = parseExpand(req.query.get('$expand'), ['target', 'accesspackage', 'assignmentpolicy']);
        const items = [...ctx.governance.assignments.values()].filter((x) => matchesAll(f, (k) => ({
          'target/objectid': x.targetObjectId, 'accesspackage/id': x.accessPackageId, state: x.state, 'assignmentpolicy/id': x.assignmentPolicyId, id: x.id,
        })[k]));
        return collection(req, 'assignments', items.map((x) => assignmentJson(ctx.governance, ctx.store, x, expand)));
      },
    },
    {
      method: 'GET', pattern: `${BASE}/assignments/{id}`, cost: 1, perms: [r],
      handler: (req, p, ctx) => {
        const x = isGuid(p.id) ? ctx.governance.assignments.get(p.id.toLowerCase()) : undefined;
        if (!x) throw notFound(p.id);
        const expand = parseExpand(req.query.get('$expand'), ['target', 'accesspackage', 'assignmentpolicy']);
        return entity(req, 'assignments', assignmentJson(ctx.governance, ctx.store, x, expand));
      },
    },
  ];
}
