/**
 * Delta rounds: starts a round (initial or from a `$deltatoken`), keeps its pages so `$skiptoken` links replay
 * them, and mints nextLink/deltaLink tokens. Token checks produce the documented errors: garbage → 400,
 * expired/unknown state → 410 syncStateNotFound, injected reset → 410 resyncRequired + Location.
 */
import { randomUUID } from 'node:crypto';
import { GraphHttpError, badRequest } from '../errors';
import type { TenantStore } from '../store';
import { incrementalEntries, initialEntries, paginate } from './rounds';
import { decodeToken, encodeToken, type AnyDeltaToken, type DeltaParams, type DeltaToken } from './tokens';

export interface DeltaSettings {
  /** Objects per delta page. */
  pageSize: number;
  /** `members@delta` entries per page (large memberships are split across pages). */
  memberChunk: number;
  /** Tokens older than this are answered 410 syncStateNotFound (Graph: 7 days for directory objects). */
  tokenMaxAgeSeconds: number;
}

interface Round {
  id: string;
  params: DeltaParams;
  pages: Array<Array<Record<string, unknown>>>;
  toSeq: number;
}

export interface DeltaPage {
  value: Array<Record<string, unknown>>;
  nextToken?: string;
  deltaToken?: string;
}

const MAX_ROUNDS = 256;

export class DeltaEngine {
  readonly instance = randomUUID();
  private serial = 0;
  private expiredBelow = 0;
  private resetBelow = 0;
  private rounds = new Map<string, Round>();

  constructor(private readonly store: TenantStore, readonly settings: DeltaSettings) {}

  /** Every token minted so far is answered 410 syncStateNotFound. */
  expireAll(): void {
    this.expiredBelow = this.serial + 1;
  }

  /** Every token minted so far is answered 410 resyncRequired (with Location). */
  resetAll(): void {
    this.resetBelow = this.serial + 1;
  }

  /** A `$deltatoken` for "from now on" (`$deltatoken=latest`). */
  latest(params: DeltaParams): string {
    return this.mintDelta(params, this.store.log.seq);
  }

  /** First page of a new round; `from` = a decoded `$deltatoken` or undefined for an initial round. */
  start(params: DeltaParams, from: DeltaToken | undefined, minimal: boolean): DeltaPage {
    const toSeq = this.store.log.seq;
    const entries = from
      ? incrementalEntries(this.store, params, this.store.log.between(from.s, toSeq, params.resource === 'groups' ? 'group' : 'user'), minimal)
      : initialEntries(this.store, params);
    const round: Round = {
      id: randomUUID(),
      params,
      pages: paginate(entries, Math.max(1, this.settings.pageSize), Math.max(1, this.settings.memberChunk)),
      toSeq,
    };
    this.rounds.set(round.id, round);
    while (this.rounds.size > MAX_ROUNDS) this.rounds.delete(this.rounds.keys().next().value as string);
    return this.page(round, 0);
  }

  /** A later page of a round (from a `$skiptoken`). */
  continue(roundId: string, index: number): DeltaPage {
    const round = this.rounds.get(roundId);
    if (!round || index >= round.pages.length) throw syncStateNotFound();
    return this.page(round, index);
  }

  /** Decode and check a token; throws the Graph error for garbage / expired / reset tokens. */
  check(raw: string, resource: DeltaParams['resource'], origin: string, version: string): AnyDeltaToken {
    const t = decodeToken(raw);
    if (!t) throw badRequest(`Invalid delta or skip token '${raw.slice(0, 64)}'.`);
    if (t.p.resource !== resource) throw badRequest(`The token was issued for '${t.p.resource}', not '${resource}'.`);
    if (t.i !== this.instance || t.e !== this.store.epoch) throw syncStateNotFound();
    if (t.n < this.resetBelow) {
      throw new GraphHttpError(410, 'resyncRequired', 'Resync required. Replace any local cached data with a full delta sync.', {
        Location: freshUrl(origin, version, t.p),
      });
    }
    if (t.n < this.expiredBelow) throw syncStateNotFound();
    if (Date.now() - t.t > this.settings.tokenMaxAgeSeconds * 1000) throw syncStateNotFound();
    return t;
  }

  private page(round: Round, index: number): DeltaPage {
    const value = round.pages[index];
    if (index + 1 < round.pages.length) {
      const token = encodeToken({ k: 'page', i: this.instance, e: this.store.epoch, n: ++this.serial, t: Date.now(), r: round.id, x: index + 1, p: round.params });
      return { value, nextToken: token };
    }
    return { value, deltaToken: this.mintDelta(round.params, round.toSeq) };
  }

  private mintDelta(params: DeltaParams, seq: number): string {
    return encodeToken({ k: 'delta', i: this.instance, e: this.store.epoch, n: ++this.serial, t: Date.now(), s: seq, p: params });
  }
}

function syncStateNotFound() {
  return new GraphHttpError(410, 'syncStateNotFound', 'The sync state is not found or has expired. Restart the sync with a full delta round (no delta token).');
}

/** The initial-round URL for the same parameters, with an empty `$deltatoken` (Graph's reset Location). */
export function freshUrl(origin: string, version: string, p: DeltaParams): string {
  const parts: string[] = [];
  const select = p.select ? [...p.select.filter((s) => s !== 'id' || p.select!.length === 1)] : undefined;
  if (select) parts.push(`$select=${[...select, ...(p.members && p.resource === 'groups' ? ['members'] : [])].join(',')}`);
  if (p.ids) parts.push(`$filter=${encodeURIComponent(p.ids.map((id) => `id eq '${id}'`).join(' or '))}`);
  parts.push('$deltatoken=');
  return `${origin}/${version}/${p.resource}/delta?${parts.join('&')}`;
}
