/**
 * Network probes of a directory URL below LDAP: can a TCP connection be opened, and what TLS certificate does
 * the server present (LDAPS directly, or after StartTLS on ldap://)? Verification is done here, explicitly, so
 * the doctor can say *why* a certificate is refused instead of only that the bind failed.
 */
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';

export interface LdapEndpoint {
  url: string;
  host: string;
  port: number;
  secure: boolean;
}

export function parseLdapUrl(url: string): LdapEndpoint {
  const u = new URL(url);
  const secure = u.protocol.toLowerCase() === 'ldaps:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { url, host, port: u.port ? Number(u.port) : secure ? 636 : 389, secure };
}

export type TcpResult = { ok: true } | { ok: false; code: string; message: string };

export function probeTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<TcpResult> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (r: TcpResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, code: 'ETIMEDOUT', message: `no answer within ${timeoutMs} ms` }), timeoutMs);
    signal?.addEventListener('abort', () => done({ ok: false, code: 'ABORTED', message: 'cancelled' }), { once: true });
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, code: err.code ?? 'ERROR', message: err.message }));
  });
}

export interface TlsResult {
  /** The handshake completed (whatever the verification result). */
  handshake: boolean;
  /** Chain verified against the CA list. */
  authorized: boolean;
  /** Why the chain was refused (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE), or a handshake/StartTLS failure. */
  error: string | null;
  /** The certificate names the host in the URL. */
  hostnameMatches: boolean;
  hostnameError: string | null;
  subject: string | null;
  issuer: string | null;
  subjectAltName: string | null;
  validTo: Date | null;
  validFrom: Date | null;
}

const STARTTLS_OID = '1.3.6.1.4.1.1466.20037';

/** LDAPMessage { messageID 1, ExtendedRequest { requestName [0] 1.3.6.1.4.1.1466.20037 } }. */
export function startTlsRequest(): Buffer {
  const oid = Buffer.from(STARTTLS_OID, 'latin1');
  const name = Buffer.concat([Buffer.from([0x80, oid.length]), oid]);
  const ext = Buffer.concat([Buffer.from([0x77, name.length]), name]);
  const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01]), ext]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Reads a BER length at `i`; returns [length, offset after it], or undefined when more bytes are needed. */
function berLength(buf: Buffer, i: number): [number, number] | undefined {
  if (i >= buf.length) return undefined;
  const first = buf[i];
  if (first < 0x80) return [first, i + 1];
  const n = first & 0x7f;
  if (i + 1 + n > buf.length) return undefined;
  let len = 0;
  for (let k = 0; k < n; k++) len = len * 256 + buf[i + 1 + k];
  return [len, i + 1 + n];
}

/** The resultCode of an ExtendedResponse, or undefined while the message is incomplete; -1 if unparseable. */
export function extendedResultCode(buf: Buffer): number | undefined {
  if (buf.length < 2) return undefined;
  if (buf[0] !== 0x30) return -1;
  const outer = berLength(buf, 1);
  if (!outer) return undefined;
  const [len, start] = outer;
  if (buf.length < start + len) return undefined;
  let i = start;
  if (buf[i] !== 0x02) return -1; // messageID
  const id = berLength(buf, i + 1);
  if (!id) return -1;
  i = id[1] + id[0];
  if (buf[i] !== 0x78) return -1; // [APPLICATION 24] ExtendedResponse
  const op = berLength(buf, i + 1);
  if (!op) return -1;
  i = op[1];
  if (buf[i] !== 0x0a) return -1; // resultCode ENUMERATED
  const rc = berLength(buf, i + 1);
  if (!rc) return -1;
  let code = 0;
  for (let k = 0; k < rc[0]; k++) code = code * 256 + buf[rc[1] + k];
  return code;
}

function startTls(socket: Socket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no StartTLS answer within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const code = extendedResultCode(buf);
      if (code === undefined) return;
      if (code === 0) finish();
      else finish(new Error(code < 0 ? 'the server did not answer the StartTLS request in LDAP' : `the server refused StartTLS (LDAP result ${code})`));
    };
    const onError = (err: Error) => finish(err);
    const onClose = () => finish(new Error('the server closed the connection during StartTLS'));
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(startTlsRequest());
  });
}

function nameOf(x: PeerCertificate['subject'] | undefined): string | null {
  if (!x) return null;
  return Object.entries(x).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ') || null;
}

/** Handshake with the DC (StartTLS first for ldap://) and report on its certificate. Never throws. */
export function probeTls(ep: LdapEndpoint, ca: Buffer | undefined, timeoutMs: number): Promise<TlsResult> {
  const empty: TlsResult = {
    handshake: false, authorized: false, error: null, hostnameMatches: false, hostnameError: null,
    subject: null, issuer: null, subjectAltName: null, validTo: null, validFrom: null,
  };
  return new Promise((resolve) => {
    let tls: TLSSocket | undefined;
    let raw: Socket | undefined;
    const timer = setTimeout(() => done({ ...empty, error: `no TLS handshake within ${timeoutMs} ms` }), timeoutMs);
    const done = (r: TlsResult) => {
      clearTimeout(timer);
      tls?.destroy();
      raw?.destroy();
      resolve(r);
    };
    const handshake = (socket?: Socket) => {
      tls = tlsConnect({
        ...(socket ? { socket } : { host: ep.host, port: ep.port }),
        ...(isIP(ep.host) ? {} : { servername: ep.host }),
        ...(ca ? { ca } : {}),
        rejectUnauthorized: false,
      });
      tls.once('secureConnect', () => {
        const cert = tls!.getPeerCertificate();
        const idError = cert && Object.keys(cert).length ? checkServerIdentity(ep.host, cert) : new Error('no certificate presented');
        done({
          handshake: true,
          authorized: tls!.authorized,
          error: tls!.authorized ? null : String(tls!.authorizationError ?? 'not trusted'),
          hostnameMatches: !idError,
          hostnameError: idError ? idError.message : null,
          subject: nameOf(cert?.subject),
          issuer: nameOf(cert?.issuer),
          subjectAltName: cert?.subjectaltname ?? null,
          validTo: cert?.valid_to ? new Date(cert.valid_to) : null,
          validFrom: cert?.valid_from ? new Date(cert.valid_from) : null,
        });
      });
      tls.once('error', (err: NodeJS.ErrnoException) => done({ ...empty, error: err.code ? `${err.code}: ${err.message}` : err.message }));
    };
    if (ep.secure) {
      handshake();
      return;
    }
    raw = tcpConnect({ host: ep.host, port: ep.port });
    raw.once('error', (err: NodeJS.ErrnoException) => done({ ...empty, error: err.message }));
    raw.once('connect', () => {
      startTls(raw!, timeoutMs).then(
        () => handshake(raw),
        (err: Error) => done({ ...empty, error: `StartTLS failed: ${err.message}` }),
      );
    });
  });
}
