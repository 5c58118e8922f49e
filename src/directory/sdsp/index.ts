/**
 * The Kerberos directory driver: LdapTarget's connections opened by System.DirectoryServices.Protocols (Negotiate,
 * signed and sealed) in .NET, hosted through edge-js. Loaded only when directory.auth is kerberos.
 */
import { URL } from 'node:url';
import type { Connector } from '../connection';
import { prepareKerberosEnvironment, type KerberosAuth } from './kerberos-env';
import { loadNativeDirectory } from './native';
import { nativeError, SdspConnection } from './sdsp-connection';

export { KERBEROS_BIND_HINT, SdspConnection, nativeError } from './sdsp-connection';
export { loadNativeDirectory, runtimeId, NATIVE_ASSEMBLY, type NativeDirectory } from './native';
export { prepareKerberosEnvironment, type KerberosAuth } from './kerberos-env';
export { readKeytabPrincipals, type KeytabEntry } from './keytab';

export interface KerberosConnectorOptions {
  auth: KerberosAuth;
  caFile?: string;
  timeoutMs?: number;
}

/** A pool Connector binding with Kerberos through S.DS.P. */
export function kerberosConnector(o: KerberosConnectorOptions): Connector {
  return async (url: string) => {
    prepareKerberosEnvironment(o.auth, o.caFile);
    const native = loadNativeDirectory();
    const u = new URL(url);
    const secure = u.protocol === 'ldaps:';
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = u.port ? Number(u.port) : secure ? 636 : 389;
    const timeoutMs = o.timeoutMs ?? 120_000;
    const r = await native.open({ host, port, secure, timeoutMs });
    if (r.error) throw nativeError(r.error, 'bind', url);
    return new SdspConnection(native, r.handle as number, url, timeoutMs);
  };
}
