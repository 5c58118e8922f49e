/** Minimal LDIF writer (RFC 2849): unsafe values are base64-encoded. */
const SAFE = /^[\x01-\x09\x0B-\x0C\x0E-\x1F\x21-\x39\x3B\x3D-\x7F][\x01-\x09\x0B-\x0C\x0E-\x7F]*$/;

export function ldifLine(attr: string, value: string): string {
  return SAFE.test(value) && !value.endsWith(' ') ? `${attr}: ${value}` : `${attr}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export function ldifEntry(dn: string, attrs: Record<string, string | string[] | undefined>): string {
  const lines = [ldifLine('dn', dn)];
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) lines.push(ldifLine(k, x));
  }
  return lines.join('\n') + '\n\n';
}

/** A `changetype: modify` record adding `values` to `attr`. */
export function ldifModifyAdd(dn: string, attr: string, values: string[]): string {
  return [ldifLine('dn', dn), 'changetype: modify', `add: ${attr}`, ...values.map((v) => ldifLine(attr, v)), '-'].join('\n') + '\n\n';
}
