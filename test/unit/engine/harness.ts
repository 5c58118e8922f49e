/** A small world for engine tests: a fake tenant + fake AD + a temp state store, and a `run()` for cycles. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSink } from '../../../src/core/events';
import { resolveConfig } from '../../../src/config/load';
import type { ResolvedConfig } from '../../../src/config/types';
import { runCycle, type CycleResult } from '../../../src/engine/cycle';
import { createMapper } from '../../../src/engine/mapper';
import type { PlanAction } from '../../../src/engine/types';
import { queryLog, type LogEntry, type LogQuery } from '../../../src/state/log';
import { StateStore } from '../../../src/state/store';
import { FakeSource, FakeTarget } from './fakes';

export const BASE = 'DC=lab,DC=example,DC=com';
export const OU = `OU=Cloud Groups,${BASE}`;

export function configDoc(statePath: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenant: { tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-0000-4000-8000-000000000002', auth: { type: 'clientSecret', clientSecret: { env: 'X' } } },
    directory: { urls: ['ldaps://127.0.0.1'], baseDn: BASE, bindDn: 'CN=svc', password: { env: 'Y' } },
    scope: { mode: 'all', filters: [] },
    target: { container: OU },
    state: { path: statePath },
    ...overrides,
  };
}

export class World {
  readonly dir = mkdtempSync(join(tmpdir(), 'gwb-engine-'));
  readonly source = new FakeSource();
  readonly target = new FakeTarget(BASE);
  config: ResolvedConfig;
  readonly events: { type: string; [k: string]: unknown }[] = [];

  constructor(overrides: Record<string, unknown> = {}) {
    this.target.addContainer(OU);
    this.config = this.configure(overrides);
  }

  configure(overrides: Record<string, unknown>): ResolvedConfig {
    this.config = resolveConfig(configDoc(join(this.dir, 'state'), overrides), { secrets: { 'tenant.clientSecret': 's', 'directory.password': 'p' }, configPath: join(this.dir, 'config.json') });
    return this.config;
  }

  store(): StateStore {
    return StateStore.open(this.config.state.path).store;
  }

  async run(opts: { full?: boolean; dryRun?: boolean; signal?: AbortSignal; store?: StateStore } = {}): Promise<CycleResult & { actions: PlanAction[] }> {
    const sink = new EventSink();
    sink.on((e) => this.events.push(e as never));
    const actions: PlanAction[] = [];
    const r = await runCycle({
      config: this.config,
      source: this.source,
      target: this.target,
      mapper: createMapper(this.config),
      store: this.store(),
      sink,
      ...opts,
      onAction: (a) => actions.push(a),
    });
    return { ...r, actions };
  }

  async log(q: LogQuery = {}): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for await (const e of queryLog(join(this.config.state.path, 'log'), q)) out.push(e);
    return out;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The default cn of a group: Left(Trim(displayName),51) + "_" + last 12 of the id. */
export function defaultCn(displayName: string, id: string): string {
  return `${displayName.trim().slice(0, 51)}_${id.slice(24)}`;
}
