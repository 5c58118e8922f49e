import { describe, expect, it } from 'vitest';
import { applySecretRefs, domainOf, getKey, normalizeDocument, parseSecretRef, pruneAuth, setKey } from '../../../src/ops/config-file';
import { buildNewDocument } from '../../../src/ops/config-new';
import { applySettings, diffDocuments } from '../../../src/ops/config-set';
import { validateConfigDocument } from '../../../src/config';

describe('settings by dotted key', () => {
  it('sets nested keys, creating objects, and removes them with null, pruning emptied parents', () => {
    const doc: Record<string, unknown> = {};
    setKey(doc, 'safety.deleteThreshold', 50);
    setKey(doc, 'config.lifecycle.onScopeExit', 'delete');
    expect(doc).toEqual({ safety: { deleteThreshold: 50 }, lifecycle: { onScopeExit: 'delete' } });
    expect(getKey(doc, 'safety.deleteThreshold')).toBe(50);
    setKey(doc, 'safety.deleteThreshold', null);
    expect(doc).toEqual({ lifecycle: { onScopeExit: 'delete' } });
    setKey(doc, 'nothing.here', null);
    expect(doc).toEqual({ lifecycle: { onScopeExit: 'delete' } });
  });

  it('refuses names that are not dotted setting paths', () => {
    expect(() => setKey({}, 'a..b', 1)).toThrow(/not a setting name/);
    expect(() => setKey({}, 'scope.groupIds[0]', 1)).toThrow(/not a setting name/);
  });
});

describe('secret references', () => {
  it("parses 'env:NAME' and 'file:PATH' and refuses a bare secret", () => {
    expect(parseSecretRef('directory.password', 'env:LDAP_PW')).toEqual({ env: 'LDAP_PW' });
    expect(parseSecretRef('directory.password', 'file:/etc/gwb/pw')).toEqual({ file: '/etc/gwb/pw' });
    expect(parseSecretRef('directory.password', { file: 'x' })).toEqual({ file: 'x' });
    expect(() => parseSecretRef('directory.password', 'Passw0rd!')).toThrow(/env:NAME/);
  });

  it('writes them under the keys the config layer reads, and only for known secrets', () => {
    const doc: Record<string, unknown> = {};
    applySecretRefs(doc, { 'tenant.clientSecret': 'env:S', 'directory.password': 'file:p' });
    expect(doc).toEqual({ tenant: { auth: { clientSecret: { env: 'S' } } }, directory: { password: { file: 'p' } } });
    expect(() => applySecretRefs(doc, { 'tenant.secret': 'env:X' })).toThrow(/not a secret/);
  });
});

describe('a new configuration', () => {
  const settings = {
    'tenant.tenantId': 'contoso.onmicrosoft.com',
    'tenant.clientId': '6f1c1c4e-2b0a-4d5e-9a53-5a1f0c0d7e21',
    'directory.urls': ['dc1.contoso.com'],
    'directory.bindDn': 'CONTOSO\\svc',
    'target.container': 'OU=Cloud Groups, DC=contoso, DC=com',
  };

  it('derives auth type, base DN and the LDAPS URL, and validates', () => {
    const doc = buildNewDocument({ path: '/x.json', settings });
    expect(getKey(doc, 'tenant.auth.type')).toBe('clientSecret');
    expect(getKey(doc, 'directory.baseDn')).toBe('DC=contoso,DC=com');
    expect(getKey(doc, 'directory.urls')).toEqual(['ldaps://dc1.contoso.com']);
    expect(Object.keys(doc)[0]).toBe('$schema');
    expect(validateConfigDocument(doc)).toEqual([]);
  });

  it('drops the old sign-in keys when the sign-in method changes', () => {
    const before = buildNewDocument({ path: '/x.json', settings, secretRefs: { 'tenant.clientSecret': 'env:S' } });
    const after = applySettings(before, { settings: { 'tenant.auth.type': 'certificate', 'tenant.auth.certificatePath': '/c.pfx' } });
    expect(getKey(after, 'tenant.auth')).toEqual({ type: 'certificate', certificatePath: '/c.pfx' });
    expect(diffDocuments(before, after).map((c) => c.key).sort()).toEqual(['tenant.auth.certificatePath', 'tenant.auth.clientSecret.env', 'tenant.auth.type']);
  });

  it('keeps a domain-less container without inventing a base DN', () => {
    expect(domainOf('OU=Groups,DC=contoso,DC=com')).toBe('DC=contoso,DC=com');
    expect(domainOf('CN=Users,O=example')).toBeUndefined();
    const doc: Record<string, unknown> = { tenant: { auth: { type: 'managedIdentity', clientSecret: { env: 'X' } } } };
    pruneAuth(doc);
    expect(doc).toEqual({ tenant: { auth: { type: 'managedIdentity' } } });
    const urls: Record<string, unknown> = { directory: { urls: 'dc9' } };
    normalizeDocument(urls);
    expect(urls).toEqual({ directory: { urls: ['ldaps://dc9'] } });
  });
});

describe('directory.auth kerberos', () => {
  const base = {
    'tenant.tenantId': 'contoso.onmicrosoft.com', 'tenant.clientId': '6f1c1c4e-2b0a-4d5e-9a53-5a1f0c0d7e21',
    'directory.urls': ['ldap://dc1.contoso.com'], 'target.container': 'OU=Cloud Groups,DC=contoso,DC=com',
  };

  it('switching to kerberos drops the bind account and the password reference (no password anywhere)', () => {
    const simple = buildNewDocument({ path: 'x.json', settings: { ...base, 'directory.bindDn': 'CONTOSO\\svc' }, secretRefs: { 'directory.password': 'file:/etc/gwb/pw' } });
    expect(getKey(simple, 'directory.password')).toEqual({ file: '/etc/gwb/pw' });
    const k = applySettings(simple, { settings: { 'directory.auth.type': 'kerberos', 'directory.auth.keytab': '/etc/gwb/gwb.keytab', 'directory.auth.principal': 'gwb-svc@CONTOSO.COM' } });
    expect(getKey(k, 'directory.auth')).toEqual({ type: 'kerberos', keytab: '/etc/gwb/gwb.keytab', principal: 'gwb-svc@CONTOSO.COM' });
    expect(getKey(k, 'directory.bindDn')).toBeUndefined();
    expect(getKey(k, 'directory.password')).toBeUndefined();
    expect(validateConfigDocument(k)).toEqual([]);
    // and back to simple: auth disappears (simple is the default), a bind account is required again
    const s = applySettings(k, { settings: { 'directory.auth.type': 'simple' } });
    expect(getKey(s, 'directory.auth')).toBeUndefined();
    expect(validateConfigDocument(s).map((p) => p.key)).toContain('directory.bindDn');
  });

  it('a kerberos configuration with a password or bind account is refused, naming the key', () => {
    const doc = buildNewDocument({ path: 'x.json', settings: { ...base, 'directory.auth.type': 'kerberos' } });
    (doc.directory as Record<string, unknown>).password = { env: 'X' };
    const problems = validateConfigDocument(doc);
    expect(problems).toEqual([expect.objectContaining({ key: 'directory.password', message: expect.stringMatching(/must not be set with directory\.auth kerberos/) })]);
  });
});
