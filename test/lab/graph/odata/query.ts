/**
 * Query-string handling the way Graph sees it: OData option names case-insensitive, values form-decoded,
 * and the raw segments kept so nextLinks repeat the caller's query exactly (plus a new `$skiptoken`).
 */
import { badRequest } from '../errors';

export class ODataQuery {
  private readonly values = new Map<string, string>();

  constructor(readonly segments: Array<{ rawKey: string; rawValue: string; key: string; value: string }>) {
    for (const s of segments) this.values.set(s.key.toLowerCase(), s.value);
  }

  static parse(search: string): ODataQuery {
    const q = search.startsWith('?') ? search.slice(1) : search;
    const segments: Array<{ rawKey: string; rawValue: string; key: string; value: string }> = [];
    for (const part of q.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const rawKey = eq === -1 ? part : part.slice(0, eq);
      const rawValue = eq === -1 ? '' : part.slice(eq + 1);
      segments.push({ rawKey, rawValue, key: decode(rawKey), value: decode(rawValue) });
    }
    return new ODataQuery(segments);
  }

  /** Value of an option by name, case-insensitively (`$skipToken` = `$skiptoken`). */
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  /** The raw query without the named options (for nextLinks). */
  rawWithout(...names: string[]): string {
    const drop = new Set(names.map((n) => n.toLowerCase()));
    return this.segments.filter((s) => !drop.has(s.key.toLowerCase())).map((s) => `${s.rawKey}=${s.rawValue}`).join('&');
  }

  /** OData system options present ($-prefixed), lower-cased. */
  systemOptions(): string[] {
    return [...this.values.keys()].filter((k) => k.startsWith('$'));
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`Invalid URI escape sequence in query '${s}'.`);
  }
}

/** `$top`: default 100, 1..999 else 400 with Graph's observed message. */
export function parseTop(raw: string | undefined, def = 100, max = 999): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isInteger(n) || n < 1 || n > max) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`);
  }
  return n;
}

export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function fromBase64urlJson(token: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
