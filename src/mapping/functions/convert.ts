/** Conversions: CStr, CRef, BitAnd, ConvertToBase64, ConvertFromBase64, ConvertToUTF8Hex, StringFromSid, DNComponent, Redact. */
import { scalarToText, type Scalar } from '../values';
import { mapEach, type Args, type FunctionDef } from './types';

const ENCODINGS = ['Unicode', 'ASCII', 'UTF8'] as const;
type Encoding = (typeof ENCODINGS)[number];

function encodingOf(name: string): Encoding | undefined {
  const k = name.replace(/[-_\s]/g, '').toLowerCase();
  if (k === 'unicode' || k === 'utf16' || k === 'utf16le') return 'Unicode';
  if (k === 'ascii') return 'ASCII';
  if (k === 'utf8') return 'UTF8';
  return undefined;
}

function decode(bytes: Buffer, enc: Encoding): string {
  if (enc === 'UTF8') return bytes.toString('utf8');
  if (enc === 'Unicode') return bytes.toString('utf16le');
  let s = '';
  for (const b of bytes) s += b > 0x7f ? '?' : String.fromCharCode(b); // .NET ASCIIEncoding replaces non-ASCII with '?'
  return s;
}

/** Binary SID → "S-1-5-21-…". */
export function sidToString(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return null;
  const revision = bytes[0];
  const count = bytes[1];
  if (bytes.length !== 8 + count * 4) return null;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + bytes[i];
  const parts = [`S-${revision}-${authority}`];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) parts.push(String(view.getUint32(8 + i * 4, true)));
  return parts.join('-');
}

/** Split a DN into RDNs on unescaped commas (RFC 4514) and unescape the value of each. */
export function dnComponents(dn: string): Array<{ type: string; value: string }> {
  const rdns: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '\\' && i + 1 < dn.length) {
      cur += c + dn[i + 1];
      i++;
    } else if (c === ',' || c === ';') {
      rdns.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '' || rdns.length) rdns.push(cur);
  return rdns.map((rdn) => {
    const eq = rdn.indexOf('=');
    const type = eq < 0 ? '' : rdn.slice(0, eq).trim();
    return { type, value: unescapeDnValue(eq < 0 ? rdn.trim() : rdn.slice(eq + 1).trim()) };
  });
}

export function unescapeDnValue(v: string): string {
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    flush();
    if (v[i] === '\\' && i + 1 < v.length) {
      out += v[i + 1];
      i++;
    } else out += v[i];
  }
  flush();
  return out;
}

function base64Text(args: Args, s: string, i: number): Buffer {
  const compact = s.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) args.error(`${JSON.stringify(s.length > 30 ? s.slice(0, 30) + '…' : s)} is not base64`, i);
  return Buffer.from(compact, 'base64');
}

export const convertFunctions: FunctionDef[] = [
  {
    name: 'CStr',
    params: [{ name: 'value' }],
    evaluate: (args: Args) => mapEach(args.value(0), (s) => (s === null ? null : scalarToText(s))),
  },
  {
    name: 'CRef',
    params: [{ name: 'value' }],
    evaluate: (args: Args) => args.value(0),
  },
  {
    name: 'BitAnd',
    params: [{ name: 'value1' }, { name: 'value2' }],
    evaluate(args: Args) {
      const a = args.bigint(0);
      const b = args.bigint(1);
      if (a === null || b === null) return null;
      return a & b;
    },
  },
  {
    name: 'ConvertToBase64',
    params: [{ name: 'source' }],
    evaluate: (args: Args) =>
      mapEach(args.value(0), (s) => {
        if (s === null) return null;
        if (s instanceof Uint8Array) return Buffer.from(s).toString('base64');
        return Buffer.from(scalarToText(s), 'utf16le').toString('base64');
      }),
  },
  {
    name: 'ConvertFromBase64',
    params: [{ name: 'source' }, { name: 'Encoding', optional: true }],
    validate(call, check) {
      const enc = call.args[1];
      if (enc && (enc.kind === 'enum' || enc.kind === 'string')) {
        const name = enc.kind === 'enum' ? enc.name : enc.value;
        if (!encodingOf(name)) check.fail(`Unknown encoding '${name}' for ConvertFromBase64`, enc.start, 'Use Unicode, ASCII or UTF8.');
      }
    },
    evaluate(args: Args) {
      let enc: Encoding = 'Unicode';
      if (args.present(1)) {
        const w = args.word(1);
        if (w !== null && w !== '') {
          const e = encodingOf(w);
          if (!e) args.error(`unknown encoding '${w}'; use Unicode, ASCII or UTF8`, 1);
          enc = e;
        }
      }
      return mapEach(args.value(0), (s) => {
        if (s === null) return null;
        return decode(base64Text(args, scalarToText(s), 0), enc);
      });
    },
  },
  {
    name: 'ConvertToUTF8Hex',
    params: [{ name: 'source' }],
    evaluate: (args: Args) => mapEach(args.value(0), (s) => (s === null ? null : Buffer.from(scalarToText(s), 'utf8').toString('hex').toUpperCase())),
  },
  {
    name: 'StringFromSid',
    params: [{ name: 'ObjectSID' }],
    evaluate: (args: Args) =>
      mapEach(args.value(0), (s: Scalar | null) => {
        if (s === null) return null;
        if (typeof s === 'string' && /^S-\d+-\d+(-\d+)*$/i.test(s.trim())) return 'S' + s.trim().slice(1);
        const bytes = s instanceof Uint8Array ? s : base64Text(args, scalarToText(s), 0);
        const sid = sidToString(bytes);
        if (sid === null) args.error('the value is not a binary security identifier', 0);
        return sid;
      }),
  },
  {
    name: 'DNComponent',
    params: [{ name: 'dn' }, { name: 'ComponentNumber' }],
    evaluate(args: Args) {
      const n = args.int(1);
      if (n === null) args.error('the component number is missing (null)', 1);
      return mapEach(args.value(0), (s) => {
        if (s === null || n < 1) return null;
        const parts = dnComponents(scalarToText(s));
        return parts[n - 1]?.value ?? null;
      });
    },
  },
  {
    name: 'Redact',
    params: [{ name: 'value' }],
    evaluate(args: Args) {
      args.ctx.redacted = true;
      return args.value(0);
    },
  },
];

