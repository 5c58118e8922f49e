/**
 * PFX / PKCS#12 → PEM, with node:crypto only, so a certificate exported from Windows (Export-PfxCertificate,
 * TripleDES-SHA1 or AES256-SHA256) or by OpenSSL 3 can be used as is. @azure/identity only reads PEM.
 *
 * Supported: MAC with SHA-1/SHA-2; bags encrypted with PBES2 (PBKDF2 + AES-CBC / 3DES-CBC) or
 * pbeWithSHAAnd3-KeyTripleDES-CBC; unencrypted bags. Not supported: RC2/RC4 (OpenSSL's `-legacy` exports),
 * which Node's OpenSSL 3 no longer ships; such a file gets an error saying how to re-export it.
 */
import { X509Certificate, createDecipheriv, createHash, createHmac, createPrivateKey, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { children, content, DerError, element, expectTag, integer, octets, oid, readTlv } from './der';
import type { Tlv } from './der';

export class PfxError extends Error {}

export interface PfxContents {
  /** Unencrypted PKCS#8 PEM. */
  privateKeyPem: string;
  /** PEM certificates, the one matching the private key first. */
  certificatePems: string[];
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  pbeSha2Des: '1.2.840.113549.1.12.1.4',
};

const HASHES: Record<string, { name: string; v: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', v: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', v: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', v: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', v: 128 },
};

const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const CIPHERS: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};

/** PKCS#12 passwords are BMPStrings: UTF-16BE with a terminating NUL. */
function bmpPassword(password: string): Buffer {
  const b = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

/** RFC 7292 appendix B.2 key derivation. id 1 = key, 2 = IV, 3 = MAC key. */
export function pkcs12Kdf(hash: string, v: number, password: Buffer, salt: Buffer, id: number, iterations: number, n: number): Buffer {
  const fill = (src: Buffer): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const len = v * Math.ceil(src.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length];
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  let have = 0;
  while (have < n) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    out.push(A);
    have += A.length;
    if (have >= n) break;
    const B = Buffer.alloc(v);
    for (let i = 0; i < v; i++) B[i] = A[i % A.length];
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k] + B[k] + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

/**
 * `bmps`: the password as PKCS#12 BMPString bytes to try (the one the MAC verified with; for an absent password
 * both encodings — see verifyMac).
 */
function decrypt(der: Buffer, alg: Tlv, data: Buffer, password: string, bmps: Buffer[]): Buffer {
  const [algOid, params] = children(der, alg);
  const id = oid(der, algOid);
  try {
    if (id === OID.pbes2) {
      const [kdf, scheme] = children(der, params);
      const [kdfOid, kdfParams] = children(der, kdf);
      if (oid(der, kdfOid) !== OID.pbkdf2) throw new PfxError(`unsupported PBES2 key derivation ${oid(der, kdfOid)}`);
      const kp = children(der, kdfParams);
      const salt = content(der, kp[0]);
      const iterations = integer(der, kp[1]);
      let prf = 'sha1';
      for (const extra of kp.slice(2)) {
        if (extra.tag === 0x30) {
          const p = PRFS[oid(der, children(der, extra)[0])];
          if (!p) throw new PfxError('unsupported PBKDF2 PRF');
          prf = p;
        }
      }
      const [cipherOid, ivTlv] = children(der, scheme);
      const cipher = CIPHERS[oid(der, cipherOid)];
      if (!cipher) throw new PfxError(`unsupported cipher ${oid(der, cipherOid)}`);
      const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLength, prf);
      const d = createDecipheriv(cipher.name, key, content(der, ivTlv));
      return Buffer.concat([d.update(data), d.final()]);
    }
    if (id === OID.pbeSha3Des || id === OID.pbeSha2Des) {
      const [saltTlv, iterTlv] = children(der, params);
      const salt = content(der, saltTlv);
      const iterations = integer(der, iterTlv);
      let lastError: unknown;
      for (const pw of bmps) {
        let key = pkcs12Kdf('sha1', 64, pw, salt, 1, iterations, 24);
        if (id === OID.pbeSha2Des) key = Buffer.concat([key.subarray(0, 16), key.subarray(0, 8)]);
        const iv = pkcs12Kdf('sha1', 64, pw, salt, 2, iterations, 8);
        try {
          const d = createDecipheriv('des-ede3-cbc', key, iv);
          return Buffer.concat([d.update(data), d.final()]);
        } catch (err) {
          lastError = err;
        }
      }
      throw lastError;
    }
  } catch (err) {
    if (err instanceof PfxError) throw err;
    throw new PfxError('cannot decrypt the PFX: wrong password?');
  }
  throw new PfxError(
    `the PFX uses an encryption algorithm Node.js no longer supports (${id}, RC2/RC4 from \`openssl pkcs12 -legacy\` or old ` +
      'Windows exports): re-export it with AES-256 (Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256, or ' +
      'OpenSSL 3 defaults) or convert it to PEM',
  );
}

/** The password encodings to try when no MAC says which one the exporter used. */
function passwordCandidates(password: string): Buffer[] {
  return password === '' ? [bmpPassword(''), Buffer.alloc(0)] : [bmpPassword(password)];
}

/**
 * Check the MAC; returns the password bytes that verified it (undefined: wrong password). An absent password is
 * encoded either as an empty BMPString (OpenSSL) or as no bytes at all (.NET's and Windows' export without a
 * password), and the same encoding then decrypts the bags.
 */
function verifyMac(der: Buffer, macData: Tlv, authSafe: Buffer, password: string): Buffer | undefined {
  const [digestInfo, saltTlv, iterTlv] = children(der, macData);
  const [algTlv, digestTlv] = children(der, digestInfo);
  const algId = oid(der, children(der, algTlv)[0]);
  if (algId === OID.pbmac1) return bmpPassword(password); // RFC 9579 PBMAC1: not checked here; decryption still proves the password
  const hash = HASHES[algId];
  if (!hash) throw new PfxError(`unsupported PFX MAC algorithm ${algId}`);
  const salt = content(der, saltTlv);
  const iterations = iterTlv ? integer(der, iterTlv) : 1;
  const expected = content(der, digestTlv);
  for (const pw of passwordCandidates(password)) {
    const key = pkcs12Kdf(hash.name, hash.v, pw, salt, 3, iterations, expected.length);
    const mac = createHmac(hash.name, key).update(authSafe).digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) return pw;
  }
  return undefined;
}

function toPem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Read a PFX. Throws PfxError with a readable reason (wrong password, unsupported algorithm, not a PFX). */
export function pfxToPem(pfx: Buffer, password = ''): PfxContents {
  try {
    return parse(pfx, password);
  } catch (err) {
    if (err instanceof DerError) throw new PfxError(`not a valid PFX/PKCS#12 file (${err.message})`);
    throw err;
  }
}

function parse(der: Buffer, password: string): PfxContents {
  const top = expectTag(readTlv(der, 0), 0x30, 'PFX');
  const [versionTlv, authSafeInfo, macData] = children(der, top);
  if (integer(der, versionTlv) !== 3) throw new PfxError('not a PKCS#12 v3 file');
  const [ctOid, ctContent] = children(der, authSafeInfo);
  if (oid(der, ctOid) !== OID.data) throw new PfxError('public-key-protected PFX files are not supported');
  const authSafe = octets(der, children(der, ctContent)[0]);
  let bmps = passwordCandidates(password);
  if (macData) {
    const verified = verifyMac(der, macData, authSafe, password);
    if (!verified) throw new PfxError('the PFX password is wrong (integrity check failed)');
    bmps = [verified];
  }

  const keys: KeyObject[] = [];
  const certs: X509Certificate[] = [];
  const readBags = (buf: Buffer): void => {
    for (const bag of children(buf, expectTag(readTlv(buf, 0), 0x30, 'SafeContents'))) {
      const [bagIdTlv, bagValue] = children(buf, bag);
      const bagId = oid(buf, bagIdTlv);
      const value = children(buf, bagValue)[0];
      if (bagId === OID.keyBag) {
        keys.push(createPrivateKey({ key: element(buf, value), format: 'der', type: 'pkcs8' }));
      } else if (bagId === OID.shroudedKeyBag) {
        const [alg, encrypted] = children(buf, value);
        const plain = decrypt(buf, alg, content(buf, encrypted), password, bmps);
        keys.push(createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' }));
      } else if (bagId === OID.certBag) {
        const [certType, certValue] = children(buf, value);
        if (oid(buf, certType) === OID.x509Certificate) {
          certs.push(new X509Certificate(octets(buf, children(buf, certValue)[0])));
        }
      }
      // CRL, secret and nested SafeContents bags are not needed here.
    }
  };

  for (const info of children(authSafe, expectTag(readTlv(authSafe, 0), 0x30, 'AuthenticatedSafe'))) {
    const [typeTlv, wrapped] = children(authSafe, info);
    const type = oid(authSafe, typeTlv);
    if (type === OID.data) {
      readBags(octets(authSafe, children(authSafe, wrapped)[0]));
    } else if (type === OID.encryptedData) {
      const encData = children(authSafe, children(authSafe, wrapped)[0]);
      const [, alg, encrypted] = children(authSafe, encData[1]);
      if (!encrypted) continue; // no content
      readBags(decrypt(authSafe, alg, octets(authSafe, encrypted), password, bmps));
    } else {
      throw new PfxError('public-key-encrypted PFX contents are not supported');
    }
  }

  if (keys.length === 0) throw new PfxError('the PFX holds no private key (export it with the private key)');
  if (certs.length === 0) throw new PfxError('the PFX holds no certificate');
  const key = keys[0];
  const leafIndex = certs.findIndex((c) => c.checkPrivateKey(key));
  if (leafIndex < 0) throw new PfxError('no certificate in the PFX matches its private key');
  const ordered = [certs[leafIndex], ...certs.filter((_, i) => i !== leafIndex)];
  return {
    privateKeyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    certificatePems: ordered.map((c) => toPem('CERTIFICATE', c.raw)),
  };
}
