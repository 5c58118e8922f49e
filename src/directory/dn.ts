/**
 * Distinguished names per RFC 4514: escaping of attribute values, parsing into RDNs (honouring `\,` and hex
 * escapes such as `\2C` or UTF-8 sequences `\C3\A9`), canonical formatting, case-insensitive comparison and
 * parent/child helpers. Every DN this product builds goes through `childDn`/`formatDn`, never string concatenation
 * of unescaped input.
 */
import { GwbError, type GwbErrorOptions } from '../core/errors';

/** One attribute-type-and-value of an RDN, value unescaped. */
export interface Ava {
  type: string;
  value: string;
}

/** A relative distinguished name: usually one AVA, several for multi-valued RDNs (`CN=a+UID=b`). */
export type Rdn = Ava[];

/** A DN string that cannot be parsed. */
export class DnSyntaxError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { code: 'DistinguishedNameBadSyntax', category: 'InvalidArgument', ...options });
  }
}

/** Characters escaped with a backslash anywhere in a value (RFC 4514 §2.4, plus `=` as AD does). */
const SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';', '=']);
/** Characters that may follow a backslash on input (RFC 4514 `special` + space, `#`, `=`). */
const ESCAPABLE = new Set([...SPECIAL, ' ', '#']);
const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
const HEX = /^[0-9A-Fa-f]{2}$/;
/** A value escapeRdnValue changes: a special or control character anywhere, a leading space or `#`, a trailing space. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[,+"\\<>;=\x00-\x1f\x7f]|^[ #]| $/;
/** A DN normalizeDn can key without parsing: printable ASCII, none of `\ " + ; < > #` (see plainKey). */
const NOT_PLAIN = /[^\x20-\x7e]|[\\"+;<>#]/;

function hex2(code: number): string {
  return code.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Escape an attribute value for use in a DN (RFC 4514): `, + " \ < > ; =` anywhere, a leading space or `#`, a
 * trailing space, NUL and other control characters (as `\XX`). Non-ASCII letters stay as they are (UTF-8 on the wire).
 */
export function escapeRdnValue(value: string): string {
  // Almost every value needs no escape: return it as it is (no per-character work or garbage).
  if (!NEEDS_ESCAPE.test(value)) return value;
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

/** Undo RFC 4514 escaping of one attribute value (as found between `=` and the next separator). */
export function unescapeRdnValue(escaped: string): string {
  const rdns = parseDn(`x=${escaped}`);
  if (rdns.length !== 1 || rdns[0].length !== 1) {
    throw new DnSyntaxError(`Not a single escaped value: ${JSON.stringify(escaped)}`, { target: escaped });
  }
  return rdns[0][0].value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parse a DN into its RDNs, leftmost (the object's own RDN) first. Lenient where real directories are: spaces
 * around separators, `;` as a separator, quoted values (RFC 2253). Throws DnSyntaxError on malformed input.
 */
export function parseDn(dn: string): Rdn[] {
  const fail = (why: string, at: number): never => {
    throw new DnSyntaxError(`Invalid distinguished name (${why} at position ${at}): ${JSON.stringify(dn)}`, {
      target: dn,
      hint: 'Escape , + " \\ < > ; = and leading/trailing spaces in RDN values with a backslash (RFC 4514).',
    });
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
        // A run of plain characters, appended at once (not one string per character).
        let end = pos + 1;
        while (end < n) {
          const d = dn.charCodeAt(end);
          if (d === 44 /* , */ || d === 59 /* ; */ || d === 43 /* + */ || d === 92 /* \ */ || d === 34 /* " */) break;
          end++;
        }
        let last = end;
        while (last > pos && dn.charCodeAt(last - 1) === 32) last--;
        value += dn.slice(pos, end);
        if (last > pos) significant = value.length - (end - last);
        pos = end;
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
export function formatRdn(rdn: Rdn): string {
  return rdn.map((a) => `${a.type}=${escapeRdnValue(a.value)}`).join('+');
}

/** Format RDNs back into a DN string with canonical escaping. */
export function formatDn(rdns: Rdn[]): string {
  return rdns.map(formatRdn).join(',');
}

/**
 * A canonical key for comparing DNs: attribute types and values lowercased (AD compares names
 * case-insensitively), escapes normalised, AVAs of a multi-valued RDN sorted.
 */
export function normalizeDn(dn: string): string {
  const plain = plainKey(dn);
  if (plain !== undefined) return plain;
  return parseDn(dn)
    .map((rdn) =>
      rdn
        .map((a) => `${a.type.toLowerCase()}=${escapeRdnValue(a.value.normalize('NFC').toLowerCase())}`)
        .sort()
        .join('+'),
    )
    .join(',');
}

/**
 * normalizeDn's key of a DN in the common plain form, without parsing it (a hot path: every member resolved, every
 * DN compared): printable ASCII with none of `\ " + ; < > #`, each comma-separated RDN `type=value` with one `=`.
 * Parsing such a DN yields exactly these RDNs with spaces around types and values dropped, and escaping their values
 * changes nothing, so the key is the trimmed parts joined and lowercased. undefined: anything else (parse it).
 */
function plainKey(dn: string): string | undefined {
  if (NOT_PLAIN.test(dn)) return undefined;
  const parts = dn.split(',');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const eq = p.indexOf('=');
    if (eq < 0 || p.indexOf('=', eq + 1) >= 0) return undefined;
    const type = p.slice(0, eq).trim();
    if (!ATTRIBUTE_TYPE.test(type)) return undefined;
    parts[i] = `${type}=${p.slice(eq + 1).trim()}`;
  }
  return parts.join(',').toLowerCase();
}

/** True when two DNs name the same entry (case-insensitive, escaping-insensitive). */
export function dnEquals(a: string, b: string): boolean {
  if (a === b) return true;
  return normalizeDn(a) === normalizeDn(b);
}

/** The parent DN (canonically formatted), or '' for a single-RDN DN. */
export function parentDn(dn: string): string {
  return formatDn(parseDn(dn).slice(1));
}

/**
 * The text after a DN's first RDN — its parent as written, neither parsed nor reformatted — found by one scan for the
 * first `,` or `;` that is neither escaped nor inside a quoted value. undefined when there is no parent text (a
 * single-RDN DN, a trailing separator) or the scan meets an unterminated quote or a dangling backslash: callers then
 * use parentDn (which throws on a malformed DN). For hot loops over many DNs that share a few parents (parse each
 * distinct parent once); the first RDN itself is not validated.
 */
export function parentDnText(dn: string): string | undefined {
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '\\') {
      if (i + 1 >= dn.length) return undefined;
      i++; // the escaped character (or the first digit of a hex pair): never a separator
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';')) {
      const rest = dn.slice(i + 1);
      return rest.trim() === '' ? undefined : rest;
    }
  }
  return undefined; // one RDN, or an unterminated quote
}

/** The leftmost RDN of a DN. */
export function firstRdn(dn: string): Rdn {
  const rdns = parseDn(dn);
  if (rdns.length === 0) throw new DnSyntaxError('An empty DN has no RDN.', { target: dn });
  return rdns[0];
}

/** The (unescaped) value of the leftmost RDN, e.g. the cn of `CN=Smith\, John,OU=x`. */
export function rdnValue(dn: string): string {
  return firstRdn(dn)[0].value;
}

/** `<type>=<escaped value>,<parent>`. */
export function childDn(parent: string, type: string, value: string): string {
  if (!ATTRIBUTE_TYPE.test(type)) throw new DnSyntaxError(`Bad RDN attribute type ${JSON.stringify(type)}.`, { target: type });
  const rdn = `${type}=${escapeRdnValue(value)}`;
  return parent.trim() === '' ? rdn : `${rdn},${parent}`;
}

/** `CN=<escaped cn>,<parent>`. */
export function cnDn(cn: string, parent: string): string {
  return childDn(parent, 'CN', cn);
}

/** True when `dn` lies strictly below `ancestor`. */
export function isDescendantOf(dn: string, ancestor: string): boolean {
  const d = parseDn(dn);
  const a = parseDn(ancestor);
  if (d.length <= a.length) return false;
  return normalizeDn(formatDn(d.slice(d.length - a.length))) === normalizeDn(ancestor);
}
