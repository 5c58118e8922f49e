/**
 * A DirectoryConnection over System.DirectoryServices.Protocols (native/GroupWriteback.Directory through edge-js):
 * Negotiate (Kerberos), signed and sealed on 389 or over LDAPS. It takes and returns ldapts' shapes (Filter objects
 * as RFC 4515 text, Entry with Buffers for the binary attributes asked for), so LdapTarget runs on it unchanged, and
 * it turns the .NET side's failures into the same errors the ldapts driver raises (result codes → DirectoryError).
 */
import type { Change, Control, Entry, SearchOptions } from 'ldapts';
import { formatDn, formatRdn, parseDn } from '../dn';
import type { DirectoryConnection, SearchPage } from '../connection';
import { DirectoryError, type DirectoryOperation } from '../errors';
import { filterText } from '../filter';
import type { NativeDirectory, NativeFailure, NativeResult } from './native';

/** OpenLDAP client-side codes S.DS.P reports (LdapException.ErrorCode) that are not server answers. */
const SERVER_DOWN = 81;
const LOCAL_ERROR = 82;
const TIMEOUT = 85;
const CONNECT_ERROR = 91;

export const KERBEROS_BIND_HINT =
  'Kerberos could not authenticate to the domain controller. Check, in this order (Test-GroupWritebackConfiguration does): ' +
  'a ticket or keytab (directory.auth.keytab, or kinit as the service account; Windows: the identity the process runs as), ' +
  'the SPN ldap/<DC name as in the URL> on the DC account (setspn -L <DC>), the clock within 5 minutes of the DC, ' +
  'and krb5.conf naming the realm and its KDC (directory.auth.krb5Config).';

/** A native failure as the Error/DirectoryError the ldapts driver would have produced. */
export function nativeError(f: NativeFailure, operation: DirectoryOperation, url: string, dn?: string): Error {
  const text = f.serverMessage || f.message;
  // S.DS.P on Linux reports a strongAuthRequired bind refusal with code 0.
  if (f.code === 0 && /strong(er)? authentication/i.test(text)) f = { ...f, kind: 'result', code: 8 };
  if (f.kind === 'result' || (f.kind === 'ldap' && f.code > 0 && f.code < 80)) {
    // A server answer: LdapTarget/toDirectoryError classify it exactly like an ldapts error with this code.
    return Object.assign(new Error(text), { code: f.code });
  }
  if (f.kind === 'ldap' && (f.code === SERVER_DOWN || f.code === CONNECT_ERROR)) {
    return new DirectoryError(`Cannot reach the directory (${url}): ${f.message}`, {
      operation, url, dn, code: 'UnableToFindDomainController', category: 'ConnectionError',
      hint: 'Check that the domain controller is up and that TCP 389 (LDAP) or 636 (LDAPS) is reachable from this host.',
    });
  }
  if (f.kind === 'ldap' && f.code === TIMEOUT) {
    return new DirectoryError(`LDAP ${operation} (${url}) timed out: ${f.message}`, {
      operation, url, dn, code: 'LdapTimeout', category: 'OperationTimeout',
      hint: 'The domain controller did not answer in time; the connection was dropped and the object is retried next cycle.',
    });
  }
  if (operation === 'bind' && f.kind === 'ldap' && f.code === LOCAL_ERROR) {
    return new DirectoryError(`Kerberos bind to ${url} failed: ${f.message}`, {
      operation, url, resultCode: LOCAL_ERROR, code: 'LdapBindOperationFailed', category: 'AuthenticationError', hint: KERBEROS_BIND_HINT,
    });
  }
  return new DirectoryError(`LDAP ${operation} (${url}) failed: ${f.message}${f.serverMessage ? ` (${f.serverMessage})` : ''}`, {
    operation, url, dn, resultCode: f.kind === 'ldap' ? f.code : undefined, code: 'LdapError', category: 'NotSpecified',
    hint: 'Unexpected directory failure; see the message.',
  });
}

function lower(names: readonly string[] | undefined): Set<string> {
  return new Set((names ?? []).map((n) => n.toLowerCase()));
}

/** Native entry → ldapts Entry: one value as a scalar, several as an array; Buffers only where asked for. */
function toEntry(e: { dn: string; attributes: Record<string, Buffer[]> }, binary: Set<string>): Entry {
  const out: Entry = { dn: e.dn };
  for (const [name, values] of Object.entries(e.attributes)) {
    const vals = values.map((v) => (binary.has(name.toLowerCase()) ? Buffer.from(v) : Buffer.from(v).toString('utf8')));
    out[name] = (vals.length === 1 ? vals[0] : vals) as Entry[string];
  }
  return out;
}

function text(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

export class SdspConnection implements DirectoryConnection {
  private closed = false;

  constructor(
    private readonly native: NativeDirectory,
    private readonly handle: number,
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  get isConnected(): boolean {
    return !this.closed;
  }

  get isBound(): boolean {
    return !this.closed;
  }

  private async call<T extends Record<string, any>>(method: keyof NativeDirectory, operation: DirectoryOperation, args: Record<string, unknown>, dn?: string): Promise<T> {
    if (this.closed) throw nativeError({ kind: 'ldap', code: SERVER_DOWN, message: 'The connection is closed.', serverMessage: '' }, operation, this.url, dn);
    const r = (await (this.native[method] as (a: Record<string, unknown>) => Promise<NativeResult<T>>)({ handle: this.handle, timeoutMs: this.timeoutMs, ...args }));
    if (r.error) {
      const err = nativeError(r.error, operation, this.url, dn);
      if (err instanceof DirectoryError && err.category === 'ConnectionError') this.closed = true;
      throw err;
    }
    return r;
  }

  private searchArgs(base: string, o: SearchOptions): Record<string, unknown> {
    const filter = o.filter === undefined ? '(objectClass=*)' : typeof o.filter === 'string' ? o.filter : filterText(o.filter);
    return { base, scope: o.scope ?? 'sub', filter, attributes: o.attributes ?? [] };
  }

  async search(base: string, o: SearchOptions): Promise<SearchPage> {
    const r = await this.call<{ entries: any[] }>('search', 'search', this.searchArgs(base, o), base);
    const binary = lower(o.explicitBufferAttributes);
    return { searchEntries: r.entries.map((e) => toEntry(e, binary)) };
  }

  async *searchPaginated(base: string, o: SearchOptions): AsyncGenerator<SearchPage> {
    const pageSize = typeof o.paged === 'object' && o.paged.pageSize ? o.paged.pageSize : 1000;
    const binary = lower(o.explicitBufferAttributes);
    let cookie: Buffer | undefined;
    do {
      const r = await this.call<{ entries: any[]; cookie?: Buffer }>('search', 'search', { ...this.searchArgs(base, o), pageSize, ...(cookie ? { cookie } : {}) }, base);
      cookie = r.cookie && r.cookie.length ? Buffer.from(r.cookie) : undefined;
      yield { searchEntries: r.entries.map((e) => toEntry(e, binary)) };
    } while (cookie);
  }

  async add(dn: string, attributes: Record<string, string[]>): Promise<void> {
    const attrs: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(attributes)) attrs[k] = ([] as unknown[]).concat(v).map(text);
    await this.call('add', 'add', { dn, attributes: attrs }, dn);
  }

  async modify(dn: string, changes: Change[], controls?: Control): Promise<void> {
    const list = changes.map((c) => ({ operation: c.operation, type: c.modification.type, values: c.modification.values.map(text) }));
    await this.call('modify', 'modify', { dn, changes: list, permissive: controls?.type === '1.2.840.113556.1.4.1413' }, dn);
  }

  async modifyDN(dn: string, newDn: string): Promise<void> {
    const rdns = parseDn(newDn);
    await this.call('modifyDn', 'modifyDN', { dn, newRdn: formatRdn(rdns[0]), newParent: formatDn(rdns.slice(1)) }, dn);
  }

  async del(dn: string): Promise<void> {
    await this.call('delete', 'delete', { dn }, dn);
  }

  async unbind(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.native.close({ handle: this.handle }).catch(() => undefined);
  }
}
