/**
 * Run-time values of the expression language. Microsoft's language is string-centred but its functions are
 * typed (num, bool, dt, mvstr); we keep the type while evaluating and convert only at the edges:
 *   booleans → "True"/"False", numbers → decimal strings, DateTimes → "M/d/yyyy h:mm:ss tt" (UTC),
 *   multi-valued → arrays, absent → null.
 */
import { formatUsDateTime } from './dates';

/** A bare enum word used as an argument (vbBinaryCompare, UTF8, …). */
export class EnumWord {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

/** Result of IgnoreFlowIfNullOrEmpty on an empty value: leave the target attribute out of the export. */
export class IgnoreFlowMarker {
  private readonly _brand = 'IgnoreFlow';
  toString(): string {
    return '<IgnoreFlow>';
  }
}
export const IGNORE_FLOW = new IgnoreFlowMarker();

export type Scalar = string | number | bigint | boolean | Date | Uint8Array | EnumWord;
/** A value: null (absent), one scalar, several (multi-valued attribute), or the IgnoreFlow marker. */
export type Value = Scalar | Scalar[] | null | IgnoreFlowMarker;

export const isIgnoreFlow = (v: unknown): v is IgnoreFlowMarker => v instanceof IgnoreFlowMarker;
export const isMulti = (v: Value): v is Scalar[] => Array.isArray(v);

/** null, "" or no values. */
export function isNullOrEmpty(v: Value): boolean {
  if (v === null || isIgnoreFlow(v)) return true;
  if (Array.isArray(v)) return v.length === 0;
  return v === '';
}

export function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}

/** String form of one scalar, as Microsoft's service prints it. */
export function scalarToText(v: Scalar): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' || typeof v === 'bigint') return formatNumber(v);
  if (v instanceof Date) return formatUsDateTime(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v.name;
}

export function describeValue(v: Value): string {
  if (v === null) return 'null';
  if (isIgnoreFlow(v)) return 'no value (IgnoreFlow)';
  if (Array.isArray(v)) return `${v.length} values`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  return scalarToText(v);
}

/** Turn one input attribute value (JSON-ish) into a Value. */
export function fromInput(raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  if (Array.isArray(raw)) {
    const out: Scalar[] = [];
    for (const item of raw) {
      const v = fromInput(item);
      if (v === null || isIgnoreFlow(v)) continue;
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
    return out;
  }
  if (typeof raw === 'string' || typeof raw === 'boolean' || typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw;
  if (raw instanceof Uint8Array) return raw;
  if (typeof raw === 'object') {
    // A reference (MemberRef, directoryObject): its id stands for it, as a reference attribute does.
    const id = (raw as Record<string, unknown>).id;
    if (typeof id === 'string') return id;
    return JSON.stringify(raw);
  }
  return String(raw);
}

/** What a mapping or `expression test` reports: strings, arrays of strings, or null. */
export function toOutput(v: Value): string | string[] | null {
  if (v === null || isIgnoreFlow(v)) return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v.map(scalarToText);
  return scalarToText(v);
}
