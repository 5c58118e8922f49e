/**
 * The emulator's own control API, outside Graph's namespace (no auth; loopback only):
 *   GET  /_emulator/health                 liveness + connection details + counts
 *   GET  /_emulator/tenant                 the tenant as a tenant file (members as ids)
 *   POST /_emulator/tenant                 load a tenant file ({users, groups, replace?})
 *   DELETE /_emulator/tenant               empty the tenant
 *   GET|DELETE /_emulator/stats            request counts per route / reset
 *   GET  /_emulator/faults                 {config, counters}
 *   PUT|PATCH|POST /_emulator/faults       change fault settings (partial FaultConfig)
 *   DELETE /_emulator/faults               no faults, counters cleared
 *   DELETE /_emulator/faults/counters      clear counters only
 *   POST /_emulator/faults/expire-delta-tokens | reset-delta-tokens
 *   GET|POST /_emulator/apps               list / register an app ({clientId?, clientSecret?, certificatePem?, roles?})
 *   GET  /_emulator/changes?since=N        the change log after sequence N
 *   POST /_emulator/governance/expire-due  {at}: end the assignments whose end date is at or before `at` (ISO time)
 *                                          as Entra does when it passes (a systemRemove each) — the test moves the
 *                                          expiry check to a known time instead of waiting for the clock
 */
import type { AppRegistrationInput, AppRegistry } from './auth/apps';
import type { EntitlementStore } from './governance/entitlement-store';
import type { FaultController } from './faults';
import { GraphHttpError } from './errors';
import type { GraphResponse } from './http-types';
import type { RequestStats } from './stats';
import type { TenantStore } from './store';
import type { TenantFile } from './types';

export interface ControlDeps {
  store: TenantStore;
  faults: FaultController;
  apps: AppRegistry;
  stats: RequestStats;
  governance: EntitlementStore;
  info: () => Record<string, unknown>;
}

const ok = (body: unknown, status = 200): GraphResponse => ({ status, body });

export function exportTenant(store: TenantStore): Required<TenantFile> {
  return {
    users: store.listUsers().map((u) => ({ ...u })),
    groups: store.listGroups().map((g) => ({ ...g, members: store.membersOf(g.id).map((m) => m.id) })),
  };
}

export function handleControl(deps: ControlDeps, method: string, path: string, search: URLSearchParams, body: unknown): GraphResponse {
  const p = path.replace(/\/+$/, '').toLowerCase();
  const b = (body ?? {}) as Record<string, unknown>;
  try {
    switch (`${method} ${p}`) {
      case 'GET /_emulator/health':
        return ok({ status: 'ok', ...deps.info(), counts: deps.store.counts() });
      case 'GET /_emulator/tenant':
        return ok(exportTenant(deps.store));
      case 'POST /_emulator/tenant':
      case 'PUT /_emulator/tenant': {
        const r = deps.store.loadTenant(b as TenantFile, { replace: b.replace === true || method === 'PUT' });
        return ok({
          users: r.users.map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName })),
          groups: r.groups.map((g) => ({ id: g.id, displayName: g.displayName })),
          memberships: r.memberships,
          counts: deps.store.counts(),
        });
      }
      case 'DELETE /_emulator/tenant':
        deps.store.clear();
        return ok({ counts: deps.store.counts() });
      case 'GET /_emulator/stats':
        return ok(deps.stats.snapshot());
      case 'DELETE /_emulator/stats':
        deps.stats.reset();
        return ok(deps.stats.snapshot());
      case 'GET /_emulator/faults':
        return ok({ config: deps.faults.config, counters: deps.faults.counters() });
      case 'PUT /_emulator/faults':
      case 'PATCH /_emulator/faults':
      case 'POST /_emulator/faults':
        deps.faults.set(b);
        return ok({ config: deps.faults.config, counters: deps.faults.counters() });
      case 'DELETE /_emulator/faults':
        deps.faults.reset();
        return ok({ config: deps.faults.config, counters: deps.faults.counters() });
      case 'DELETE /_emulator/faults/counters':
        deps.faults.resetCounters();
        return ok({ counters: deps.faults.counters() });
      case 'POST /_emulator/faults/expire-delta-tokens':
        deps.faults.expireDeltaTokens();
        return ok({ expired: true });
      case 'POST /_emulator/governance/expire-due': {
        const at = typeof b.at === 'string' ? Date.parse(b.at) : NaN;
        if (Number.isNaN(at)) throw new GraphHttpError(400, 'BadRequest', 'Give "at" as an ISO 8601 time.');
        return ok({ expired: deps.governance.expireDue(at) });
      }
      case 'POST /_emulator/faults/reset-delta-tokens':
        deps.faults.resetDeltaTokens();
        return ok({ reset: true });
      case 'GET /_emulator/apps':
        return ok({ value: deps.apps.list() });
      case 'POST /_emulator/apps': {
        const app = deps.apps.register(b as AppRegistrationInput);
        return ok({ clientId: app.clientId, displayName: app.displayName, roles: app.roles, clientSecret: app.clientSecret }, 201);
      }
      case 'GET /_emulator/changes': {
        const since = Number(search.get('since') ?? 0);
        return ok({ seq: deps.store.log.seq, value: deps.store.log.between(Number.isFinite(since) ? since : 0, deps.store.log.seq) });
      }
      default:
        return { status: 404, body: { error: { code: 'NotFound', message: `No control endpoint ${method} ${path}.` } } };
    }
  } catch (err) {
    if (err instanceof GraphHttpError) return { status: err.status, body: { error: { code: err.graphCode, message: err.message } } };
    return { status: 400, body: { error: { code: 'BadRequest', message: err instanceof Error ? err.message : String(err) } } };
  }
}
