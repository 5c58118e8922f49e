/**
 * Run the Graph emulator as its own process (manual use, demos):
 *
 *   NODE_EXTRA_CA_CERTS=$PWD/.lab/pki/ca.pem npx tsx test/lab/graph/main.ts --tenant test/fixtures/tenants/demo.json --json
 *
 * Options: --host (127.0.0.1) --port (0 = auto) --pki-dir (.lab/pki) --tenant FILE --tenant-id --client-id
 * --delta-page-size N --delta-member-chunk N --managed-identity --json
 * The client secret comes from $GWB_GRAPH_EMULATOR_CLIENT_SECRET (generated if unset); it is printed only with
 * --json (one JSON line on stdout: connection details for the lab). Stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startGraphEmulator } from './emulator';
import type { TenantFile } from './types';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'pki-dir': { type: 'string', default: '.lab/pki' },
    tenant: { type: 'string' },
    'tenant-id': { type: 'string' },
    'client-id': { type: 'string' },
    'delta-page-size': { type: 'string' },
    'delta-member-chunk': { type: 'string' },
    'managed-identity': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const tenant = values.tenant ? (JSON.parse(readFileSync(resolve(values.tenant), 'utf8')) as TenantFile) : undefined;

async function main(): Promise<void> {
  const em = await startGraphEmulator({
    host: values.host,
    port: Number(values.port),
    pkiDir: values['pki-dir']!,
    tenantId: values['tenant-id'],
    clientId: values['client-id'],
    clientSecret: process.env.GWB_GRAPH_EMULATOR_CLIENT_SECRET || undefined,
    deltaPageSize: num(values['delta-page-size']),
    deltaMemberChunk: num(values['delta-member-chunk']),
    managedIdentity: values['managed-identity'],
    tenant,
  });

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...em.info(), clientSecret: em.clientSecret, pid: process.pid, counts: em.store.counts() })}\n`);
  } else {
    const i = em.info();
    process.stdout.write([
      `Graph emulator ${em.baseUrl} (pid ${process.pid})`,
      `  tenant ${em.tenantId}   client ${em.clientId}   secret: use --json or $GWB_GRAPH_EMULATOR_CLIENT_SECRET`,
      `  CA ${em.caFile} (clients need NODE_EXTRA_CA_CERTS=${em.caFile})`,
      `  control ${em.controlUrl}/health`,
      ...(i.managedIdentityEndpoint ? [`  managed identity IDENTITY_ENDPOINT=${String(i.managedIdentityEndpoint)} IMDS_ENDPOINT=${String(i.imdsEndpoint)}`] : []),
      `  ${JSON.stringify(em.store.counts())}`,
      '',
    ].join('\n'));
  }

  const shutdown = () => {
    em.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`graph emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
