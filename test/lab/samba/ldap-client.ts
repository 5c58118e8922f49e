/** A bound ldapts client over LDAPS, verifying the DC's cert against the lab CA. */
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';

export interface LdapConnectOptions {
  url: string;
  caFile: string;
  bindDn: string;
  password: string;
  connectTimeoutMs?: number;
  timeoutMs?: number;
}

export async function connectLdap(o: LdapConnectOptions): Promise<Client> {
  const client = new Client({
    url: o.url,
    connectTimeout: o.connectTimeoutMs ?? 5_000,
    timeout: o.timeoutMs ?? 120_000,
    tlsOptions: { ca: readFileSync(o.caFile), rejectUnauthorized: true },
  });
  try {
    await client.bind(o.bindDn, o.password);
  } catch (err) {
    await client.unbind().catch(() => {});
    throw err;
  }
  return client;
}
