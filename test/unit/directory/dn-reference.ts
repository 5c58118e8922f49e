/**
 * The character-by-character RFC 4514 parser, escaper and DN key as they were before the fast paths of
 * src/directory/dn.ts (plain-run appends, no-escape values, plainKey): the oracle dn.test.ts compares them with.
 */
interface Ava {
  type: string;
  value: string;
}
type Rdn = Ava[];

/** Characters escaped with a backslash anywhere in a value (RFC 4514 §2.4, plus `=` as AD does). */
const SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';', '=']);
/** Characters that may follow a backslash on input (RFC 4514 `special` + space, `#`, `=`). */
const ESCAPABLE = new Set([...SPECIAL, ' ', '#']);
const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
const HEX = /^[0-9A-Fa-f]{2}$/;

function hex2(code: number): string {
  return code.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Escape an attribute value for use in a DN (RFC 4514): `, + " \ < > ; =` anywhere, a leading space or `#`, a
 * trailing space, NUL and other control characters (as `\XX`). Non-ASCII letters stay as they are (UTF-8 on the wire).
 */
function escapeRdnValue(value: string): string {
  const chars = Array.from(value);
  let out = '';
  chars.forEach((c, i) => {
    const code = c.codePointAt(0) ?? 0;
    if (SPECIAL.has(c)) out += `\\${c}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${hex2(code)}`;
    else if (i === 0 && (c === ' ' || c === '#')) out += `\\${c}`;
    else if (i === chars.length - 1 && c === ' ') out += '\\ ';
    else out += c;
  });
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parse a DN into its RDNs, leftmost (the object's own RDN) first. Lenient where real directories are: spaces
 * around separators, `;` as a separator, quoted values (RFC 2253). Throws DnSyntaxError on malformed input.
 */
function parseDn(dn: string): Rdn[] {
  const fail = (why: string, at: number): never => {
    throw new Error(`Invalid distinguished name (${why} at position ${at}): ${JSON.stringify(dn)}`);
  };
  const rdns: Rdn[] = [];
  if (dn.trim() === '') return rdns;
  let pos = 0;
  let rdn: Rdn = [];
  const n = dn.length;
  for (;;) {
    // attribute type
    while (pos < n && dn[pos] === ' ') pos++;
    const eq = dn.indexOf('=', pos);
    if (eq < 0) fail('missing "="', pos);
    const type = dn.slice(pos, eq).trim();
    if (!ATTRIBUTE_TYPE.test(type)) fail(`bad attribute type ${JSON.stringify(type)}`, pos);
    pos = eq + 1;
    while (pos < n && dn[pos] === ' ') pos++;
    // attribute value
    let value = '';
    let significant = 0; // length of `value` up to its last escaped or non-space character
    let pending: number[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      try {
        value += utf8.decode(Uint8Array.from(pending));
      } catch {
        fail('hex escapes are not valid UTF-8', pos);
      }
      pending = [];
      significant = value.length;
    };
    if (pos < n && dn[pos] === '#') fail('hex-string (BER) values are not supported', pos);
    if (pos < n && dn[pos] === '"') {
      pos++;
      for (;;) {
        if (pos >= n) fail('unterminated quoted value', pos);
        const c = dn[pos];
        if (c === '"') {
          pos++;
          break;
        }
        if (c === '\\') {
          if (pos + 1 >= n) fail('dangling backslash', pos);
          value += dn[pos + 1];
          pos += 2;
        } else {
          value += c;
          pos++;
        }
      }
      significant = value.length;
      while (pos < n && dn[pos] === ' ') pos++;
      if (pos < n && !',;+'.includes(dn[pos])) fail('text after quoted value', pos);
    } else {
      while (pos < n) {
        const c = dn[pos];
        if (c === ',' || c === ';' || c === '+') break;
        if (c === '\\') {
          const pair = dn.slice(pos + 1, pos + 3);
          if (HEX.test(pair)) {
            pending.push(parseInt(pair, 16));
            pos += 3;
            continue;
          }
          flush();
          const next = dn[pos + 1];
          if (next === undefined || !ESCAPABLE.has(next)) fail('invalid escape', pos);
          value += next;
          significant = value.length;
          pos += 2;
          continue;
        }
        flush();
        if (c === '"') fail('unescaped quote', pos);
        value += c;
        if (c !== ' ') significant = value.length;
        pos++;
      }
      flush();
      value = value.slice(0, significant);
    }
    rdn.push({ type, value });
    if (pos >= n) {
      rdns.push(rdn);
      break;
    }
    const sep = dn[pos];
    pos++;
    if (sep !== '+') {
      rdns.push(rdn);
      rdn = [];
    }
    if (pos >= n) fail('trailing separator', pos);
  }
  return rdns;
}

/** Format one RDN (`CN=value`, or `CN=a+UID=b`). */
function formatRdn(rdn: Rdn): string {
  return rdn.map((a) => `${a.type}=${escapeRdnValue(a.value)}`).join('+');
}

/** Format RDNs back into a DN string with canonical escaping. */
function formatDn(rdns: Rdn[]): string {
  return rdns.map(formatRdn).join(',');
}

/**
 * A canonical key for comparing DNs: attribute types and values lowercased (AD compares names
 * case-insensitively), escapes normalised, AVAs of a multi-valued RDN sorted.
 */
function normalizeDn(dn: string): string {
  return parseDn(dn)
    .map((rdn) =>
      rdn
        .map((a) => `${a.type.toLowerCase()}=${escapeRdnValue(a.value.normalize('NFC').toLowerCase())}`)
        .sort()
        .join('+'),
    )
    .join(',');
}

export const reference = { escapeRdnValue, parseDn, normalizeDn };
