/**
 * The lease of a job kept in the directory: one value `lease:{json}` of the job object's msDS-Settings. It is
 * only ever changed by ONE LDAP modify that deletes the exact value read and adds the new one; if another
 * worker changed it in between, the delete finds no such value and the DC refuses the whole modify
 * (noSuchAttribute, 16). So taking, renewing and releasing are atomic compare-and-swaps on the DC that holds it.
 * Times are the lease DC's clock (rootDSE currentTime), so workers' clocks never have to agree.
 */
export const LEASE_PREFIX = 'lease:';
export const REQUEST_PREFIX = 'request:';

export interface LeaseValue {
  /** Worker id of the holder; null when free. */
  holder: string | null;
  host?: string;
  pid?: number;
  purpose?: string;
  /** Counts every change of the lease (takes, renewals, releases). */
  epoch: number;
  acquiredAt?: string;
  expiresAt?: string;
}

export function encodeLease(l: LeaseValue): string {
  return LEASE_PREFIX + JSON.stringify(l);
}

export function decodeLease(value: string): LeaseValue {
  const l = JSON.parse(value.slice(LEASE_PREFIX.length)) as LeaseValue;
  if (typeof l.epoch !== 'number') throw new Error(`not a lease value: ${value}`);
  return l;
}

/** Free, or held but past its expiry (by the lease DC's clock). */
export function leaseAvailable(l: LeaseValue, dcNowMs: number): boolean {
  return !l.holder || !l.expiresAt || Date.parse(l.expiresAt) <= dcNowMs;
}

/** AD GeneralizedTime (`20261203081500.0Z`) → ms since the epoch. */
export function parseGeneralizedTime(v: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?Z$/.exec(v.trim());
  if (!m) throw new Error(`not a GeneralizedTime: ${v}`);
  const frac = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], frac);
}
