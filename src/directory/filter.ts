/**
 * LDAP search filters. Filters sent to the server are always built from ldapts Filter objects (values travel as
 * raw octets, so binary objectGUID/objectSid values and non-ASCII text need no escaping and cannot inject
 * syntax). RFC 4515 text is only produced for display (logs, plans, ldapsearch command lines) by
 * `escapeFilterValue` / `filterText`.
 *
 * Note: ldapts' own string-filter parser mangles `\xx` escapes ≥ 0x80 (0 hits, no error), so never hand it text.
 */
import { AndFilter, EqualityFilter, type Filter, GreaterThanEqualsFilter, LessThanEqualsFilter, NotFilter, OrFilter, PresenceFilter, SubstringFilter } from 'ldapts';
import { GwbError } from '../core/errors';

export type { Filter } from 'ldapts';

/** An attribute description: name or OID, optionally with options such as `;binary` or `;range=0-1499`. */
const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)(?:;[A-Za-z0-9=-]+)*$/;

export function assertAttributeName(name: string): string {
  if (!ATTRIBUTE.test(name)) {
    throw new GwbError(`Not a valid LDAP attribute name: ${JSON.stringify(name)}`, {
      code: 'InvalidAttributeName',
      category: 'InvalidArgument',
      target: name,
      hint: 'Attribute names are letters, digits and hyphens, starting with a letter (or a dotted OID).',
    });
  }
  return name;
}

function hexByte(b: number): string {
  return `\\${b.toString(16).padStart(2, '0')}`;
}

/**
 * RFC 4515 value escaping for filter text: `*` `(` `)` `\` NUL become `\2a \28 \29 \5c \00`; control characters
 * and every byte of a non-ASCII character are hex-escaped (UTF-8), so the result is plain ASCII. Buffers are
 * escaped byte by byte.
 */
export function escapeFilterValue(value: string | Uint8Array): string {
  if (typeof value !== 'string') return Array.from(value, hexByte).join('');
  let out = '';
  for (const c of value) {
    const code = c.codePointAt(0) ?? 0;
    if (c === '*' || c === '(' || c === ')' || c === '\\' || code < 0x20 || code === 0x7f) out += hexByte(code);
    else if (code > 0x7f) out += Array.from(Buffer.from(c, 'utf8'), hexByte).join('');
    else out += c;
  }
  return out;
}

/** `(attribute=value)`; value a string (sent as UTF-8) or Buffer (sent as raw octets). */
export function eq(attribute: string, value: string | Buffer): Filter {
  return new EqualityFilter({ attribute: assertAttributeName(attribute), value });
}

/** `(attribute>=value)`. */
export function ge(attribute: string, value: string): Filter {
  return new GreaterThanEqualsFilter({ attribute: assertAttributeName(attribute), value });
}

/** `(attribute<=value)`. */
export function le(attribute: string, value: string): Filter {
  return new LessThanEqualsFilter({ attribute: assertAttributeName(attribute), value });
}

/** `(attribute=*)`. */
export function present(attribute: string): Filter {
  return new PresenceFilter({ attribute: assertAttributeName(attribute) });
}

/** `(attribute=prefix*)`. */
export function startsWith(attribute: string, prefix: string): Filter {
  return new SubstringFilter({ attribute: assertAttributeName(attribute), initial: prefix });
}

export function and(...filters: Filter[]): Filter {
  return filters.length === 1 ? filters[0] : new AndFilter({ filters });
}

export function or(...filters: Filter[]): Filter {
  return filters.length === 1 ? filters[0] : new OrFilter({ filters });
}

export function not(filter: Filter): Filter {
  return new NotFilter({ filter });
}

/** `(|(attribute=v1)(attribute=v2)…)` (or just `(attribute=v1)` for one value). Empty input is an error. */
export function anyOf(attribute: string, values: readonly (string | Buffer)[]): Filter {
  if (values.length === 0) throw new GwbError('anyOf() needs at least one value.', { category: 'InvalidArgument', target: attribute });
  return or(...values.map((v) => eq(attribute, v)));
}

/** RFC 4515 text of a filter built here (for logs and plans; ASCII-only, values escaped). */
export function filterText(filter: Filter): string {
  if (filter instanceof AndFilter) return `(&${filter.filters.map(filterText).join('')})`;
  if (filter instanceof OrFilter) return `(|${filter.filters.map(filterText).join('')})`;
  if (filter instanceof NotFilter) return `(!${filterText(filter.filter)})`;
  if (filter instanceof EqualityFilter) return `(${filter.attribute}=${escapeFilterValue(filter.value)})`;
  if (filter instanceof PresenceFilter) return `(${filter.attribute}=*)`;
  if (filter instanceof SubstringFilter) {
    const parts = [filter.initial, ...filter.any, filter.final].map((p) => escapeFilterValue(p));
    return `(${filter.attribute}=${parts.join('*')})`;
  }
  return filter.toString();
}
