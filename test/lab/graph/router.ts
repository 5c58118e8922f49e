/**
 * Route table for the Graph namespace. Patterns are path templates: literal segments match case-insensitively,
 * `{name}` captures a segment, `{cast}` captures an OData cast: `microsoft.graph.user` or its `graph.user` alias (Graph's
 * namespace alias, which Microsoft's SDKs send).
 */
import type { Permission } from './auth/permissions';
import type { GraphRequest, GraphResponse } from './http-types';
import type { EmulatorContext } from './context';

export type Params = Record<string, string>;
export type Handler = (req: GraphRequest, params: Params, ctx: EmulatorContext) => GraphResponse | Promise<GraphResponse>;

export interface Route {
  method: string;
  pattern: string;
  /** Base resource-unit cost (contract §8); adjusted for $select/$expand/$top by the throttle. */
  cost: number;
  /** Counts against the write limits. */
  write?: boolean;
  handler: Handler;
  /** Permission(s) checked before the handler (any of). */
  perms?: Permission[];
}

export interface Match {
  route: Route;
  params: Params;
}

export class Router {
  private routes: Array<Route & { segs: string[] }> = [];

  add(route: Route): this {
    this.routes.push({ ...route, segs: route.pattern.split('/').filter(Boolean) });
    return this;
  }

  addAll(routes: Route[]): this {
    for (const r of routes) this.add(r);
    return this;
  }

  /** Match a path (decoded segments). `methodAllowed` is false when the path exists for other methods only. */
  match(method: string, path: string): { match?: Match; pathKnown: boolean } {
    const segs = path.split('/').filter(Boolean).map((s) => (/^delta\(\)$/i.test(s) ? 'delta' : s));
    let pathKnown = false;
    for (const r of this.routes) {
      const params = matchSegs(r.segs, segs);
      if (!params) continue;
      pathKnown = true;
      if (r.method === method) return { match: { route: r, params }, pathKnown };
    }
    return { pathKnown };
  }
}

const CAST = /^(?:microsoft\.)?graph\.(\w+)$/i;

function matchSegs(pattern: string[], segs: string[]): Params | undefined {
  if (pattern.length !== segs.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const s = segs[i];
    if (p === '{cast}') {
      const cast = CAST.exec(s);
      if (!cast) return undefined;
      params.cast = cast[1];
    } else if (p.startsWith('{')) {
      if (s.startsWith('$') || CAST.test(s)) return undefined;
      params[p.slice(1, -1)] = s;
    } else if (p.toLowerCase() !== s.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}
