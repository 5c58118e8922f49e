/**
 * The times in a Kerberos credential cache (MIT `FILE:` ccache, format versions 3 and 4), enough to tell when a
 * user's ticket-granting ticket was issued: the groups in every ticket obtained with it (the PAC) are those of
 * that moment. A ticket issued before a group change does not carry it until the user gets a new TGT.
 */
import { readFileSync } from 'node:fs';
import { GwbError } from '../core/errors';

export interface CachedTicket {
  client: string;
  server: string;
  authTime: string;
  startTime: string;
  endTime: string;
}

class Reader {
  private o = 0;
  constructor(private readonly b: Buffer) {}
  get done(): boolean {
    return this.o >= this.b.length;
  }
  u8(): number {
    return this.b.readUInt8(this.o++);
  }
  u16(): number {
    const v = this.b.readUInt16BE(this.o);
    this.o += 2;
    return v;
  }
  u32(): number {
    const v = this.b.readUInt32BE(this.o);
    this.o += 4;
    return v;
  }
  bytes(): Buffer {
    const n = this.u32();
    if (this.o + n > this.b.length) throw new RangeError('truncated');
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  skip(n: number): void {
    this.o += n;
  }
  principal(): string {
    this.u32(); // name type
    const count = this.u32();
    const realm = this.bytes().toString('utf8');
    const parts: string[] = [];
    for (let i = 0; i < count; i++) parts.push(this.bytes().toString('utf8'));
    return `${parts.join('/')}@${realm}`;
  }
}

const iso = (t: number) => new Date(t * 1000).toISOString();

/** Every credential in the cache (configuration entries left out). */
export function readCcache(path: string): CachedTicket[] {
  const file = path.replace(/^FILE:/, '');
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new GwbError(`Cannot read the credential cache ${file}: ${(err as Error).message}`, { code: 'CcacheUnreadable', category: 'ReadError', target: file, hint: 'Pass the FILE: credential cache of the user (klist shows its name); KEYRING: and KCM: caches cannot be read as files.' });
  }
  try {
    const r = new Reader(buf);
    const version = r.u16();
    if (version !== 0x0504 && version !== 0x0503) throw new RangeError(`unsupported ccache version 0x${version.toString(16)}`);
    if (version === 0x0504) r.skip(r.u16());
    r.principal(); // default principal
    const out: CachedTicket[] = [];
    while (!r.done) {
      const client = r.principal();
      const server = r.principal();
      r.u16(); // key enctype
      r.bytes(); // key
      const [auth, start, end] = [r.u32(), r.u32(), r.u32()];
      r.u32(); // renew till
      r.u8(); // is_skey
      r.u32(); // flags
      for (let n = r.u32(); n > 0; n--) { r.u16(); r.bytes(); } // addresses
      for (let n = r.u32(); n > 0; n--) { r.u16(); r.bytes(); } // authdata
      r.bytes(); // ticket
      r.bytes(); // second ticket
      if (server.endsWith('@X-CACHECONF:') || server.startsWith('X-CACHECONF:')) continue;
      out.push({ client, server, authTime: iso(auth), startTime: iso(start || auth), endTime: iso(end) });
    }
    return out;
  } catch (err) {
    throw new GwbError(`The credential cache ${file} is not a readable MIT ccache: ${(err as Error).message}`, { code: 'CcacheInvalid', category: 'InvalidData', target: file });
  }
}

/** When the cache's newest ticket-granting ticket was issued, or null when it holds none. */
export function tgtIssuedAt(path: string): { issuedAt: string; client: string } | null {
  const tgts = readCcache(path).filter((t) => /^krbtgt\//i.test(t.server));
  if (!tgts.length) return null;
  const newest = tgts.reduce((a, b) => (a.startTime >= b.startTime ? a : b));
  return { issuedAt: newest.startTime, client: newest.client };
}
