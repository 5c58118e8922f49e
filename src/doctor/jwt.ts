/** Read (never verify) the claims of an access token: the doctor only needs the application roles it carries. */
export interface AccessTokenClaims {
  roles: string[];
  appId: string | null;
  tenantId: string | null;
  audience: string | null;
  expiresAt: Date | null;
}

export function decodeJwtClaims(token: string): AccessTokenClaims | null {
  const parts = token.split('.');
  if (parts.length < 2) return null;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!payload || typeof payload !== 'object') return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    roles: Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [],
    appId: str(payload.appid) ?? str(payload.azp),
    tenantId: str(payload.tid),
    audience: str(payload.aud),
    expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null,
  };
}

/**
 * The application permissions a cycle needs: read groups and their members, and read users (their on-premises
 * identifiers). Directory.Read.All covers both; the *.ReadWrite.All variants include the read ones.
 */
export function missingPermissions(roles: readonly string[]): string[] {
  const has = (name: string) => roles.some((r) => r.toLowerCase() === name.toLowerCase());
  if (has('Directory.Read.All') || has('Directory.ReadWrite.All')) return [];
  const missing: string[] = [];
  if (!has('Group.Read.All') && !has('Group.ReadWrite.All')) missing.push('Group.Read.All');
  if (!has('User.Read.All') && !has('User.ReadWrite.All')) missing.push('User.Read.All');
  return missing;
}
