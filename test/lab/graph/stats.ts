/** Request counters per route (`GET /groups/{id}/members`), per status and per namespace, for GET /_emulator/stats. */
export interface StatsSnapshot {
  total: number;
  graph: number;
  token: number;
  control: number;
  batchItems: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
}

export class RequestStats {
  private s: StatsSnapshot = RequestStats.empty();

  private static empty(): StatsSnapshot {
    return { total: 0, graph: 0, token: 0, control: 0, batchItems: 0, byRoute: {}, byStatus: {} };
  }

  record(kind: 'graph' | 'token' | 'control' | 'batchItem' | 'other', route: string, status: number): void {
    if (kind !== 'batchItem') this.s.total++;
    if (kind === 'graph') this.s.graph++;
    else if (kind === 'token') this.s.token++;
    else if (kind === 'control') this.s.control++;
    else if (kind === 'batchItem') this.s.batchItems++;
    if (kind === 'control') return;
    this.s.byRoute[route] = (this.s.byRoute[route] ?? 0) + 1;
    this.s.byStatus[status] = (this.s.byStatus[status] ?? 0) + 1;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.s);
  }

  reset(): void {
    this.s = RequestStats.empty();
  }
}
