/**
 * Reading the principals of an MIT keytab (file format 0x0502; names only, the keys are skipped and never kept),
 * so a configuration check can say "the keytab holds gwb-svc@CONTOSO.COM (kvno 2)" or name what is wrong with it.
 */
import { readFileSync } from 'node:fs';
import { GwbError } from '../../core/errors';

export interface KeytabEntry {
  principal: string;
  kvno: number;
  enctype: number;
}

export function readKeytabPrincipals(path: string): KeytabEntry[] {
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (err) {
    throw new GwbError(`Cannot read the keytab ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      code: 'KeytabUnreadable', category: 'ReadError', target: 'directory.auth.keytab',
      hint: 'Point directory.auth.keytab at the service account\'s keytab, readable by the account that runs GroupWriteback (mode 0600).',
    });
  }
  const bad = (why: string) => new GwbError(`${path} is not a usable keytab: ${why}`, {
    code: 'KeytabInvalid', category: 'InvalidData', target: 'directory.auth.keytab',
    hint: 'Export it again: Windows `ktpass /princ gwb-svc@REALM /mapuser DOMAIN\\gwb-svc /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL /out gwb-svc.keytab`, Samba `samba-tool domain exportkeytab FILE --principal=gwb-svc@REALM`.',
  });
  if (b.length < 2 || b[0] !== 5 || b[1] !== 2) throw bad('it does not start with the keytab version 0x0502');
  const out: KeytabEntry[] = [];
  let off = 2;
  while (off + 4 <= b.length) {
    const size = b.readInt32BE(off);
    off += 4;
    if (size < 0) { off += -size; continue; } // a deleted entry (hole)
    if (size === 0) break;
    const end = off + size;
    if (end > b.length) throw bad('an entry runs past the end of the file');
    let p = off;
    const n = b.readUInt16BE(p); p += 2;
    const str = (): string => { const l = b.readUInt16BE(p); p += 2; const s = b.toString('utf8', p, p + l); p += l; return s; };
    const realm = str();
    const parts = Array.from({ length: n }, str);
    p += 4 + 4; // name type, timestamp
    let kvno = b.readUInt8(p); p += 1;
    const enctype = b.readUInt16BE(p);
    p += 2;
    const keyLen = b.readUInt16BE(p); p += 2 + keyLen;
    if (end - p >= 4) kvno = b.readUInt32BE(p); // 32-bit kvno when present
    out.push({ principal: `${parts.join('/')}@${realm}`, kvno, enctype });
    off = end;
  }
  if (out.length === 0) throw bad('it holds no keys');
  return out;
}
