// The .NET conformance suite (test/dotnet-conformance): Microsoft's own Graph .NET SDK + Azure.Identity driven
// against the lab's Graph emulator, so emulator changes are checked against a client we did not write.
//
//   node build/dotnet-conformance.mjs [--filter <dotnet test filter>]
//
// Starts the emulator in this process (loopback HTTPS, lab CA in <repo>/.lab/pki) with a small seeded tenant and a
// second app registration that signs in with a certificate, hands the connection details to `dotnet test` through
// the environment (the client secret never goes on a command line), and writes
// .lab/dotnet-conformance-result.json = { passed, failed, skipped, failures: [{ name, message }] }.
// Restore and build are incremental (obj/ and bin/ in the project folder; packages in ~/.nuget/packages).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(root, 'test/dotnet-conformance/GraphConformance.csproj');
const resultDir = join(root, '.lab', 'dotnet-conformance');
const resultFile = join(root, '.lab', 'dotnet-conformance-result.json');
const { values } = parseArgs({ options: { filter: { type: 'string' } } });

const ts = (p) => tsImport(pathToFileURL(join(root, p)).href, import.meta.url);
const { ensureLabCa } = await ts('test/lab/lab-pki.ts');
const { startGraphEmulator } = await ts('test/lab/graph/emulator.ts');

/** Seeded tenant: enough groups and users that $top=5 pages several times; fixed names the suite relies on. */
export const SEED = {
  users: Array.from({ length: 12 }, (_, i) => ({
    displayName: `Conformance User ${String(i).padStart(2, '0')}`,
    userPrincipalName: `conf.user${String(i).padStart(2, '0')}@contoso.com`,
    department: i % 2 ? 'Sales' : 'Engineering',
  })),
  groups: [
    ...Array.from({ length: 17 }, (_, i) => ({
      displayName: `Conformance Group ${String(i).padStart(2, '0')}`,
      mailNickname: `conf-group-${i}`,
      description: i === 0 ? 'has members and a nested group' : null,
      members: i === 0 ? ['conf.user00@contoso.com', 'conf.user01@contoso.com', 'Conformance Nested'] : [],
    })),
    { displayName: 'Conformance Nested', mailNickname: 'conf-nested', members: ['conf.user02@contoso.com', 'conf.user03@contoso.com'] },
  ],
};

function result(r) {
  mkdirSync(dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, `${JSON.stringify(r, null, 2)}\n`);
  console.log(`dotnet-conformance: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  return r;
}

/** Counts and failed test names from a TRX file (what `dotnet test --logger trx` writes). */
function readTrx(file) {
  const xml = readFileSync(file, 'utf8');
  const attr = (tag, name) => new RegExp(`<${tag}\\b[^>]*\\b${name}="(\\d+)"`).exec(xml)?.[1];
  const total = Number(attr('Counters', 'total') ?? 0);
  const passed = Number(attr('Counters', 'passed') ?? 0);
  const failed = Number(attr('Counters', 'failed') ?? 0) + Number(attr('Counters', 'error') ?? 0) + Number(attr('Counters', 'timeout') ?? 0)
    + Number(attr('Counters', 'aborted') ?? 0);
  const failures = [];
  const re = /<UnitTestResult\b[^>]*\btestName="([^"]*)"[^>]*\boutcome="Failed"[^>]*>([\s\S]*?)<\/UnitTestResult>/g;
  for (let m; (m = re.exec(xml));) {
    const msg = /<Message>([\s\S]*?)<\/Message>/.exec(m[2])?.[1] ?? '';
    failures.push({ name: decode(m[1]), message: decode(msg).split('\n')[0] });
  }
  return { passed, failed, skipped: Math.max(0, total - passed - failed), failures };
}
const decode = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#xD;/g, '')
  .replace(/&#xA;/g, '\n').replace(/&amp;/g, '&');

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (err) => { console.error(`${cmd}: ${err.message}`); resolve(127); });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const pkiDir = join(root, '.lab/pki');
  await ensureLabCa(pkiDir);
  const tmp = mkdtempSync(join(tmpdir(), 'gwb-dotnet-conf-'));
  const em = await startGraphEmulator({ host: '127.0.0.1', port: 0, pkiDir, deltaPageSize: 5, deltaMemberChunk: 3, tenant: SEED });
  try {
    // A second app that signs in with a certificate (MSAL.NET's client assertion).
    const key = join(tmp, 'app.key');
    const crt = join(tmp, 'app.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2',
      '-subj', '/CN=GroupWriteback conformance'], { stdio: 'ignore' });
    const certApp = em.registerApp({ certificatePem: readFileSync(crt, 'utf8'), displayName: 'dotnet conformance (certificate)' });

    rmSync(resultDir, { recursive: true, force: true });
    const env = {
      GWB_EMU_BASE_URL: em.baseUrl,
      GWB_EMU_AUTHORITY: em.authorityHost,
      GWB_EMU_TENANT_ID: em.tenantId,
      GWB_EMU_CLIENT_ID: em.clientId,
      GWB_EMU_CLIENT_SECRET: em.clientSecret,
      GWB_EMU_CA_FILE: em.caFile,
      GWB_EMU_CONTROL_URL: em.controlUrl,
      GWB_EMU_CERT_CLIENT_ID: certApp.clientId,
      GWB_EMU_CERT_FILE: crt,
      GWB_EMU_KEY_FILE: key,
      GWB_EMU_SEED_USERS: String(SEED.users.length),
      GWB_EMU_SEED_GROUPS: String(SEED.groups.length),
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
      DOTNET_NOLOGO: '1',
      DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1',
    };
    const args = ['test', project, '--nologo', '-v', 'q', '--disable-build-servers', '--logger', 'trx;LogFileName=result.trx', '--logger', 'console;verbosity=normal',
      '--results-directory', resultDir, ...(values.filter ? ['--filter', values.filter] : [])];
    const code = await run('dotnet', args, env);
    const trx = join(resultDir, 'result.trx');
    if (!existsSync(trx)) {
      return result({ passed: 0, failed: 1, skipped: 0, failures: [{ name: 'dotnet test', message: `no result file (exit ${code}): build or restore failed` }] });
    }
    const r = readTrx(trx);
    if (code !== 0 && r.failed === 0) {
      r.failed = 1;
      r.failures.push({ name: 'dotnet test', message: `exit code ${code}` });
    }
    return result(r);
  } finally {
    await em.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const r = await main().catch((err) => result({ passed: 0, failed: 1, skipped: 0, failures: [{ name: 'dotnet-conformance', message: String(err?.message ?? err) }] }));
process.exit(r.failed > 0 ? 1 : 0);
