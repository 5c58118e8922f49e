/**
 * The bundle validates configurations with the validator ajv generates at build time (configValidatorSource, put in
 * place of compile-validator.ts by build/build.mjs); from source the schema is compiled at run time. Both must give
 * the same verdict and the same errors (validate.ts turns those errors into the messages the config tests check).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv/dist/2020';
import { compileConfigValidator, configValidatorSource } from '../../../src/config/compile-validator';

const example = JSON.parse(readFileSync(join(__dirname, '../../../docs/config.example.json'), 'utf8'));

function precompiled(): ValidateFunction {
  const mod = { exports: {} as { compileConfigValidator?: () => ValidateFunction } };
  const require = createRequire(join(__dirname, '../../../src/config/compile-validator.ts'));
  new Function('module', 'exports', 'require', configValidatorSource())(mod, mod.exports, require);
  return mod.exports.compileConfigValidator!();
}

/** A copy of the example with `change` applied. */
function variant(change: (doc: any) => void): unknown {
  const doc = structuredClone(example);
  change(doc);
  return doc;
}

// Valid documents, and broken ones reaching each kind of error validate.ts words (required, additionalProperties,
// enum, const, discriminator, nested oneOf, minProperties, format, pattern, type, minimum, minLength).
const documents: [string, unknown][] = [
  ['the example', example],
  ['managed identity, selected groups', variant((d) => { d.tenant.auth = { type: 'managedIdentity' }; d.scope = { mode: 'selected', groupIds: ['00000000-0000-4000-8000-00000000000a'] }; })],
  ['certificate by thumbprint', variant((d) => { d.tenant.auth = { type: 'certificate', certificateThumbprint: 'AB'.repeat(20) }; })],
  ['several problems', variant((d) => {
    d.scope.filters = [[{ attribute: 'displayName', operator: 'EQUALS', value: 'x' }, { attribute: 'x', operator: 'LIKE', value: 'y' }]];
    d.directory.connections = 'four';
    d.tenant.colour = 'blue';
    delete d.target.container;
  })],
  ['an unknown auth type', variant((d) => { d.tenant.auth = { type: 'password' }; })],
  ['no auth type', variant((d) => { d.tenant.auth = { clientSecret: { env: 'X' } }; })],
  ['a certificate named twice', variant((d) => { d.tenant.auth = { type: 'certificate', certificatePath: 'c.pfx', certificateThumbprint: 'AB'.repeat(20) }; })],
  ['a certificate not named', variant((d) => { d.tenant.auth = { type: 'certificate' }; })],
  ['a bad thumbprint', variant((d) => { d.tenant.auth = { type: 'certificate', certificateThumbprint: 'xyz' }; })],
  ['a secret reference with both forms', variant((d) => { d.directory.password = { env: 'A', file: 'b' }; })],
  ['an empty secret reference', variant((d) => { d.directory.password = {}; })],
  ['a bad tenant id and URLs', variant((d) => { d.tenant.tenantId = 'not-a-guid'; d.tenant.graphBaseUrl = 'http://x'; d.directory.urls = ['http://dc']; })],
  ['out of range numbers', variant((d) => { d.directory.connections = 0; d.membership.batchSize = -1; d.safety.deleteThreshold = 1.5; })],
  ['wrong enum values', variant((d) => { d.lifecycle.onSoftDelete = 'explode'; d.scope.mode = 'some'; d.tenant.cloud = 'Mars'; })],
  ['wrong types everywhere', variant((d) => { d.name = 7; d.mappings = {}; d.membership = []; d.state = null; })],
  ['not an object', 'config'],
  ['empty', {}],
];

describe('the precompiled configuration validator', () => {
  const runtime = compileConfigValidator();
  const built = precompiled();

  it.each(documents)('gives the same verdict and errors as the schema compiled at run time: %s', (_name, doc) => {
    const a = runtime(doc);
    const errorsA = structuredClone(runtime.errors);
    const b = built(doc);
    expect(b).toBe(a);
    expect(built.errors).toEqual(errorsA);
  });

  it('reaches invalid documents (the corpus is not all valid)', () => {
    expect(documents.filter(([, d]) => !runtime(d)).length).toBeGreaterThan(10);
  });

  it('carries no schema compiler: only ajv runtime parts are required', () => {
    const requires = [...new Set(configValidatorSource().match(/require\("[^"]+"\)/g))].sort();
    expect(requires).toEqual(['require("ajv-formats/dist/formats")', 'require("ajv/dist/runtime/ucs2length")']);
  });
});
