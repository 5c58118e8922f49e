/** loadConfig resolves only the secrets of the parts an operation uses (`secretsFor`): tenant and/or directory. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load';
import { ConfigError } from '../../../src/core/errors';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gwb-parts-'));
  path = join(dir, 'gwb.json');
  writeFileSync(path, JSON.stringify({
    tenant: { tenantId: 't', clientId: '00000000-0000-4000-8000-000000000002', auth: { type: 'clientSecret', clientSecret: { env: 'GWB_T_SECRET' } } },
    directory: { urls: ['ldaps://dc1'], baseDn: 'DC=x', bindDn: 'CN=svc', password: { env: 'GWB_T_LDAP_PW' } },
    target: { container: 'OU=G,DC=x' },
  }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function missing(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig secretsFor', () => {
  it("['tenant'] resolves the Graph secret and never demands the directory password", () => {
    const c = loadConfig(path, { secretsFor: ['tenant'], secrets: { 'tenant.clientSecret': 'cs' }, env: {} });
    expect(c.tenant.auth).toEqual({ type: 'clientSecret', clientSecret: 'cs' });
    expect(c.directory.password).toBe('');
    // …but a missing tenant secret is still refused.
    expect(missing(() => loadConfig(path, { secretsFor: ['tenant'], env: {} })).target).toBe('config.tenant.auth.clientSecret');
  });

  it("['directory'] resolves only the bind password", () => {
    const c = loadConfig(path, { secretsFor: ['directory'], env: { GWB_T_LDAP_PW: 'from-env' } });
    expect(c.directory.password).toBe('from-env');
    expect(c.tenant.auth).toEqual({ type: 'clientSecret', clientSecret: '' });
  });

  it('by default both are needed: a missing directory password names its key and the ways to provide it', () => {
    const err = missing(() => loadConfig(path, { secrets: { 'tenant.clientSecret': 'cs' }, env: {} }));
    expect(err.code).toBe('SecretMissing');
    expect(err.target).toBe('config.directory.password');
    expect(err.message).toContain('GWB_T_LDAP_PW');
    expect(loadConfig(path, { secrets: { 'tenant.clientSecret': 'cs', 'directory.password': 'pw' } }).directory.password).toBe('pw');
  });

  it('[] (like withoutSecrets) resolves nothing', () => {
    const c = loadConfig(path, { secretsFor: [], env: {} });
    expect(c.directory.password).toBe('');
    expect(c.tenant.auth).toEqual({ type: 'clientSecret', clientSecret: '' });
  });
});
