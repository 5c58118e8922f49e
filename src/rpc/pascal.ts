/**
 * PowerShell objects have PascalCase properties (Export-Csv headers, Select-Object, Format-Table): the bridge
 * hands results over with their property names' first letter upper-cased, at every depth. Keys that are data
 * rather than property names (a setting like `directory.password`, an attribute like `msDS-…`) stay as they are.
 * The command line's --json keeps the core's camelCase.
 */
const PROPERTY = /^[a-z][A-Za-z0-9]*$/;

export function pascalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Date, Buffer…: JSON.stringify handles them
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[PROPERTY.test(k) ? k[0].toUpperCase() + k.slice(1) : k] = pascalKeys(v);
  }
  return out;
}
