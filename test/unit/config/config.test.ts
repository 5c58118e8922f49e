import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, resolveConfig } from '../../../src/config/load';
import { configSchema } from '../../../src/config/validate';
import { mappingRuleSchema } from '../../../src/mapping';
import { ConfigError } from '../../../src/core/errors';

const example = JSON.parse(readFileSync(join(__dirname, '../../../docs/config.example.json'), 'utf8'));
const clone = () => JSON.parse(JSON.stringify(example));
const SECRETS = { 'tenant.clientSecret': 'cs', 'directory.password': 'pw' };

function problems(doc: unknown): string {
  try {
    resolveConfig(doc, { secrets: SECRETS });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gwb-config-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('schema validation', () => {
  it('accepts the example configuration', () => {
    const c = resolveConfig(clone(), { secrets: SECRETS });
    expect(c.tenant.auth).toEqual({ type: 'clientSecret', clientSecret: 'cs' });
    expect(c.directory.password).toBe('pw');
  });

  it('names the key of each problem', () => {
    const doc = clone();
    doc.scope.filters = [[{ attribute: 'displayName', operator: 'EQUALS', value: 'x' }, { attribute: 'x', operator: 'LIKE', value: 'y' }]];
    doc.directory.connections = 'four';
    doc.tenant.colour = 'blue';
    delete doc.target.container;
    const msg = problems(doc);
    expect(msg).toContain('config.scope.filters[0][1].operator: must be one of EQUALS, NOT EQUALS, REGEX MATCH');
    expect(msg).toContain('config.directory.connections: must be integer');
    expect(msg).toContain('config.tenant.colour: is not a known setting');
    expect(msg).toContain('config.target.container: is required');
  });

  it('rejects a secret written into the file', () => {
    const doc = clone();
    doc.directory.password = 'P@ssw0rd';
    const msg = problems(doc);
    expect(msg).toContain('config.directory.password: must be a reference');
    expect(msg).not.toContain('P@ssw0rd');
  });

  it('checks operators against values and regexes', () => {
    const doc = clone();
    doc.scope.filters = [[{ attribute: 'a', operator: 'IS NULL', value: 'x' }, { attribute: 'b', operator: 'EQUALS' }, { attribute: 'c', operator: 'REGEX MATCH', value: '([' }, { attribute: 'd', operator: 'GREATER_THAN', value: '1.5' }]];
    const msg = problems(doc);
    expect(msg).toContain('config.scope.filters[0][0].value: must be absent for IS NULL');
    expect(msg).toContain('config.scope.filters[0][1].value: is required for EQUALS');
    expect(msg).toContain('config.scope.filters[0][2].value: is not a valid regular expression');
    expect(msg).toContain('config.scope.filters[0][3].value: must be an integer');
  });

  it('explains an unknown auth type and a missing clientId', () => {
    const doc = clone();
    doc.tenant.auth = { type: 'password' };
    expect(problems(doc)).toContain('config.tenant.auth.type: must be one of clientSecret, certificate, managedIdentity');
    const doc2 = clone();
    delete doc2.tenant.clientId;
    expect(problems(doc2)).toContain('config.tenant.clientId: is required for clientSecret authentication');
  });

  it('fills the documented defaults', () => {
    const c = resolveConfig({ tenant: { tenantId: 't', auth: { type: 'managedIdentity' } }, directory: { urls: ['ldaps://dc1'], baseDn: 'DC=x', bindDn: 'b', password: { env: 'P' } }, target: { container: 'OU=G,DC=x' } }, { secrets: SECRETS, configPath: join(dir, 'c.json') });
    expect(c.scope).toEqual({ mode: 'selected', groupIds: [], filters: [] });
    expect(c.membership).toEqual({ provisionOnPremisesUsers: true, keepUnmanagedMembers: false, batchSize: 1000 });
    expect(c.lifecycle).toEqual({ onSoftDelete: 'empty', onPermanentDelete: 'delete', onScopeExit: 'leave' });
    expect(c.safety).toEqual({ deleteThreshold: 500, quarantineAfterFailures: 3, memberRemovalThreshold: { percent: 50, minGroupSize: 50 } });
    expect(c.state.path).toBe(join(dir, 'state'));
    expect(c.directory.connections).toBe(4);
    expect(c.name).toBe('c');
  });

  it('publishes the same schema in docs/ and embeds the mapping rule schema', () => {
    const published = JSON.parse(readFileSync(join(__dirname, '../../../docs/groupwriteback.schema.json'), 'utf8'));
    expect(published).toEqual(configSchema);
    expect((configSchema as any).properties.mappings.items).toEqual(JSON.parse(JSON.stringify(mappingRuleSchema)));
  });
});

describe('secrets and paths', () => {
  function writeConfig(doc: unknown): string {
    const p = join(dir, 'gwb.json');
    writeFileSync(p, JSON.stringify(doc));
    return p;
  }

  it('resolves secrets from the caller first, then env, then file (relative to the config)', () => {
    writeFileSync(join(dir, 'pw.txt'), 'from-file\n');
    const doc = clone();
    doc.directory.password = { file: 'pw.txt' };
    doc.tenant.auth.clientSecret = { env: 'MY_SECRET' };
    const p = writeConfig(doc);
    const env = { MY_SECRET: 'from-env' };
    expect(loadConfig(p, { env }).directory.password).toBe('from-file');
    expect(loadConfig(p, { env }).tenant.auth).toEqual({ type: 'clientSecret', clientSecret: 'from-env' });
    const given = loadConfig(p, { env, secrets: { 'tenant.clientSecret': 'given', 'directory.password': 'given-pw' } });
    expect(given.tenant.auth).toEqual({ type: 'clientSecret', clientSecret: 'given' });
    expect(given.directory.password).toBe('given-pw');
  });

  it('a missing secret names the key and the three ways to provide it', () => {
    const doc = clone();
    doc.tenant.auth.clientSecret = { env: 'NOT_SET_ANYWHERE' };
    const p = writeConfig(doc);
    try {
      loadConfig(p, { env: {}, secrets: { 'directory.password': 'x' } });
      throw new Error('expected');
    } catch (err) {
      const e = err as ConfigError;
      expect(e.code).toBe('SecretMissing');
      expect(e.target).toBe('config.tenant.auth.clientSecret');
      expect(e.message).toContain('NOT_SET_ANYWHERE');
      expect(e.hint).toMatch(/stdin.*"env".*"file"/s);
    }
  });

  it('resolves relative paths against the config folder', () => {
    const doc = clone();
    doc.state.path = './st';
    doc.directory.caFile = 'pki/ca.pem';
    const c = loadConfig(writeConfig(doc), { secrets: SECRETS });
    expect(c.state.path).toBe(join(dir, 'st'));
    expect(c.directory.caFile).toBe(join(dir, 'pki/ca.pem'));
  });

  it('reports unreadable and non-JSON files clearly', () => {
    expect(() => loadConfig(join(dir, 'nope.json'), { secrets: SECRETS })).toThrow(/Cannot read the configuration file/);
    const p = join(dir, 'bad.json');
    writeFileSync(p, '{ "tenant": ');
    expect(() => loadConfig(p, { secrets: SECRETS })).toThrow(/not valid JSON/);
  });
});
