/**
 * Where the Kerberos driver's identity comes from, set up once per process before the first bind:
 *  - keytab: KRB5_CLIENT_KTNAME = the keytab and KRB5CCNAME = a MEMORY: cache of this process, so MIT GSSAPI logs on
 *    from the keytab by itself (no kinit, no password, no ticket file written);
 *  - no keytab: the caller's ticket cache (KRB5CCNAME or the default), e.g. after `kinit` or from a Windows logon.
 *  - krb5Config: KRB5_CONFIG for a krb5.conf other than /etc/krb5.conf.
 *  - caFile (LDAPS): LDAPTLS_CACERT, as OpenLDAP's client library (used by S.DS.P on Linux) verifies the DC with it.
 * Windows ignores all of this: S.DS.P binds as the identity the process runs as.
 */
import { GwbError } from '../../core/errors';
import type { ResolvedDirectoryAuth } from '../../config/types';
import { readKeytabPrincipals } from './keytab';

export type KerberosAuth = Extract<ResolvedDirectoryAuth, { type: 'kerberos' }>;

/** Environment is process-wide: the last configuration opened wins (the CLI runs one configuration per process). */
export function prepareKerberosEnvironment(auth: KerberosAuth, caFile?: string, env: NodeJS.ProcessEnv = process.env): void {
  if (process.platform !== 'win32') {
    if (auth.krb5Config) env.KRB5_CONFIG = auth.krb5Config;
    if (auth.keytab) {
      const entries = readKeytabPrincipals(auth.keytab);
      if (auth.principal) {
        const first = entries[0].principal;
        if (!entries.some((e) => e.principal.toLowerCase() === auth.principal!.toLowerCase())) {
          throw new GwbError(`The keytab ${auth.keytab} holds no key for ${auth.principal} (it has ${[...new Set(entries.map((e) => e.principal))].join(', ')}).`, {
            code: 'KeytabPrincipalMissing', category: 'InvalidData', target: 'directory.auth.principal',
            hint: 'Set directory.auth.principal to a principal the keytab holds, or export the keytab for that principal.',
          });
        }
        if (first.toLowerCase() !== auth.principal.toLowerCase()) {
          // MIT GSSAPI logs on as the keytab's first principal when it fetches the ticket itself.
          throw new GwbError(`${auth.principal} is not the first principal of the keytab ${auth.keytab} (${first} is): GSSAPI would log on as ${first}.`, {
            code: 'KeytabPrincipalNotFirst', category: 'InvalidData', target: 'directory.auth.principal',
            hint: 'Use a keytab holding only the service account\'s keys (export it for that principal alone).',
          });
        }
      }
      env.KRB5_CLIENT_KTNAME = auth.keytab;
      env.KRB5CCNAME = `MEMORY:gwb-${process.pid}`;
    }
    if (caFile && !env.LDAPTLS_CACERT) env.LDAPTLS_CACERT = caFile;
  }
}
