/**
 * Request counters per route (`GET /groups/{id}/members`), per status and per namespace, and the resource units
 * charged (contract §8: each Graph request and each `$batch` item costed on its own), for GET /_emulator/stats.
 */
export interface StatsSnapshot {
  total: number;
  graph: number;
  token: number;
  control: number;
  batchItems: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** Resource units charged (admitted requests; a 429 charges nothing). */
  resourceUnits: number;
  /** Resource units charged per route. */
  resourceUnitsByRoute: Record<string, number>;
  /** Requests answered 429 by the resource-unit bucket. */
  throttled: number;
}

export class RequestStats {
  private s: StatsSnapshot = RequestStats.empty();

  private static empty(): StatsSnapshot {
    return { total: 0, graph: 0, token: 0, control: 0, batchItems: 0, byRoute: {}, byStatus: {}, resourceUnits: 0, resourceUnitsByRoute: {}, throttled: 0 };
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

  /** A request passed the resource-unit bucket (`admitted`: charged `cost`) or was refused with 429. */
  units(route: string, cost: number, admitted: boolean): void {
    if (!admitted) {
      this.s.throttled++;
      return;
    }
    this.s.resourceUnits += cost;
    this.s.resourceUnitsByRoute[route] = (this.s.resourceUnitsByRoute[route] ?? 0) + cost;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.s);
  }

  reset(): void {
    this.s = RequestStats.empty();
  }
}
