/**
 * Delta tokens: URL-safe base64 (base64url) JSON carrying the change-log sequence, the round's parameters and
 * when/which-serial the token was minted (for configurable expiry and forced expiry/reset).
 */
import { fromBase64urlJson, base64urlJson } from '../odata/query';

export type DeltaResource = 'groups' | 'users';

export interface DeltaParams {
  resource: DeltaResource;
  /** Canonical `$select` names (without 'members'), undefined = default set. */
  select?: string[];
  /** Track membership (`members` selected, or no `$select`). */
  members: boolean;
  /** `$filter=id eq …` restriction. */
  ids?: string[];
}

/** `$deltatoken`: the state after a finished round. */
export interface DeltaToken {
  k: 'delta';
  i: string; // emulator instance
  e: number; // store epoch
  n: number; // serial (mint order)
  t: number; // issued at (ms)
  s: number; // change-log sequence covered
  p: DeltaParams;
}

/** `$skiptoken`: a page of a round in progress. */
export interface PageToken {
  k: 'page';
  i: string;
  e: number;
  n: number;
  t: number;
  r: string; // round id
  x: number; // page index
  p: DeltaParams;
}

export type AnyDeltaToken = DeltaToken | PageToken;

export function encodeToken(t: AnyDeltaToken): string {
  return base64urlJson(t);
}

/** Parse a token; undefined when it is not one of ours (→ 400). */
export function decodeToken(raw: string): AnyDeltaToken | undefined {
  const t = fromBase64urlJson(raw) as Partial<AnyDeltaToken> | undefined;
  if (!t || (t.k !== 'delta' && t.k !== 'page')) return undefined;
  if (typeof t.i !== 'string' || typeof t.e !== 'number' || typeof t.n !== 'number' || typeof t.t !== 'number') return undefined;
  const p = t.p as DeltaParams | undefined;
  if (!p || (p.resource !== 'groups' && p.resource !== 'users') || typeof p.members !== 'boolean') return undefined;
  if (t.k === 'delta' && typeof (t as DeltaToken).s !== 'number') return undefined;
  if (t.k === 'page' && (typeof (t as PageToken).r !== 'string' || typeof (t as PageToken).x !== 'number')) return undefined;
  return t as AnyDeltaToken;
}
