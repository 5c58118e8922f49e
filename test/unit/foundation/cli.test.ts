import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const bundle = join(root, 'module/GroupWriteback/bin/gwb.cjs');
const gwb = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8' });

describe('bundled CLI (module/GroupWriteback/bin/gwb.cjs)', () => {
  beforeAll(() => {
    if (!existsSync(bundle)) spawnSync(process.execPath, [join(root, 'build/build.mjs')], { stdio: 'inherit' });
  });

  it('is one self-contained file that runs without node_modules', () => {
    const r = spawnSync(process.execPath, [bundle, 'version', '--json'], { encoding: 'utf8', cwd: '/', env: { PATH: process.env.PATH, NODE_PATH: '' } });
    expect(r.status).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.core).toBe(require(join(root, 'package.json')).version);
    expect(v.node).toBe(process.versions.node);
    expect(existsSync(bundle + '.map')).toBe(true);
  });

  it('has --help on every verb', () => {
    const top = gwb('--help');
    expect(top.status).toBe(0);
    const verbs = [...top.stdout.matchAll(/^  ([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((v) => v !== 'help');
    expect(verbs).toContain('version');
    for (const verb of verbs) {
      const r = gwb(verb, '--help');
      expect(r.status, `${verb} --help`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: gwb ${verb}`));
    }
  });

  it('exits 2 on a usage error and names the problem', () => {
    const r = gwb('no-such-verb');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command/i);
  });

  it('prints a failing operation as an error with its fix, and JSON with --json', () => {
    const r = gwb('selftest', '--fail', 'throw', '--json');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.at(-1).error).toMatchObject({ code: 'SelftestFailure', category: 'InvalidOperation' });
    expect(r.stderr).toMatch(/ERROR: Self-test failure requested/);
    expect(r.stderr).toMatch(/Fix: This failure was requested on purpose/);
  });
});
