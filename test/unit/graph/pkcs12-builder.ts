/**
 * Builds a PKCS#12 the way .NET's and Windows' `X509Certificate2.Export(Pkcs12)` does without a password: bags
 * encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC and a SHA-1 MAC, the absent password encoded as NO bytes (OpenSSL
 * encodes it as an empty BMPString, two zero bytes, and cannot make this form). Test helper only.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { pkcs12Kdf } from '../../../src/graph/pfx';

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : (() => {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  })();
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const explicit0 = (b: Buffer) => tlv(0xa0, b);

function int(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const v of rest) {
    const groups: number[] = [];
    for (let x = v; ; x = Math.floor(x / 128)) {
      groups.unshift(x & 0x7f);
      if (x < 128) break;
    }
    out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(out));
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  sha1: '1.3.14.3.2.26',
};

/** `password` is the raw password bytes fed to the PKCS#12 KDF (Buffer.alloc(0) = the "null" password). */
export function buildPkcs12(certDer: Buffer, keyPkcs8Der: Buffer, password: Buffer, iterations = 2000): Buffer {
  const pbe = (plain: Buffer) => {
    const salt = randomBytes(20);
    const key = pkcs12Kdf('sha1', 64, password, salt, 1, iterations, 24);
    const iv = pkcs12Kdf('sha1', 64, password, salt, 2, iterations, 8);
    const c = createCipheriv('des-ede3-cbc', key, iv);
    return { alg: seq(oid(OID.pbeSha3Des), seq(octets(salt), int(iterations))), encrypted: Buffer.concat([c.update(plain), c.final()]) };
  };

  const certSafe = seq(seq(oid(OID.certBag), explicit0(seq(oid(OID.x509Certificate), explicit0(octets(certDer))))));
  const certEnc = pbe(certSafe);
  const encryptedData = seq(int(0), seq(oid(OID.data), certEnc.alg, tlv(0x80, certEnc.encrypted)));
  const certInfo = seq(oid(OID.encryptedData), explicit0(encryptedData));

  const keyEnc = pbe(keyPkcs8Der);
  const keySafe = seq(seq(oid(OID.shroudedKeyBag), explicit0(seq(keyEnc.alg, octets(keyEnc.encrypted)))));
  const keyInfo = seq(oid(OID.data), explicit0(octets(keySafe)));

  const authSafe = seq(certInfo, keyInfo);
  const macSalt = randomBytes(20);
  const macKey = pkcs12Kdf('sha1', 64, password, macSalt, 3, iterations, 20);
  const mac = createHmac('sha1', macKey).update(authSafe).digest();
  const macData = seq(seq(seq(oid(OID.sha1), Buffer.from([0x05, 0x00])), octets(mac)), octets(macSalt), int(iterations));
  return seq(int(3), seq(oid(OID.data), explicit0(octets(authSafe))), macData);
}
