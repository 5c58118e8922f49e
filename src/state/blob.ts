/**
 * The directory store's payload: the StateDoc and the run history as one gzip'd JSON document, split into
 * values of the multi-valued octet-string attribute msDS-ByteArray (AD's rangeUpper: 1,000,000 bytes a value;
 * values of a multi-valued attribute are unordered, so each carries a small header).
 *
 *   value = "GWB1" | generation (4 bytes) | index (uint16 BE) | count (uint16 BE) | gzip slice
 *
 * All values are replaced in one modify, so a reader sees one generation; a mixed or incomplete set is refused.
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

const MAGIC = Buffer.from('GWB1', 'latin1');
const HEADER = 12;
/** Well under AD's 1,000,000-byte rangeUpper and Samba's request limits. */
export const CHUNK_BYTES = 256 * 1024;

export function encodeBlob(value: unknown, chunkBytes = CHUNK_BYTES): Buffer[] {
  const zipped = gzipSync(Buffer.from(JSON.stringify(value), 'utf8'), { level: 6 });
  const count = Math.max(1, Math.ceil(zipped.length / chunkBytes));
  if (count > 0xffff) throw new Error(`state too large: ${zipped.length} bytes compressed`);
  const generation = randomBytes(4);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const head = Buffer.alloc(HEADER);
    MAGIC.copy(head, 0);
    generation.copy(head, 4);
    head.writeUInt16BE(i, 8);
    head.writeUInt16BE(count, 10);
    out.push(Buffer.concat([head, zipped.subarray(i * chunkBytes, (i + 1) * chunkBytes)]));
  }
  return out;
}

/** Decode the values read back; undefined when there are none. Throws on a damaged set. */
export function decodeBlob<T>(values: Buffer[]): T | undefined {
  if (!values.length) return undefined;
  const parts = values.map((v) => {
    if (v.length < HEADER || !v.subarray(0, 4).equals(MAGIC)) throw new Error('a msDS-ByteArray value is not GroupWriteback state');
    return { gen: v.toString('hex', 4, 8), index: v.readUInt16BE(8), count: v.readUInt16BE(10), data: v.subarray(HEADER) };
  });
  const gen = parts[0].gen;
  const count = parts[0].count;
  if (parts.some((p) => p.gen !== gen || p.count !== count) || parts.length !== count) throw new Error(`incomplete state: ${parts.length} of ${count} chunks`);
  parts.sort((a, b) => a.index - b.index);
  return JSON.parse(gunzipSync(Buffer.concat(parts.map((p) => p.data))).toString('utf8')) as T;
}
