/**
 * The configuration schema's validator (ajv, draft 2020-12), compiled at run time when the core runs from source.
 * The bundle replaces this module with the same validator generated at build time as ajv "standalone" code
 * (build/build.mjs, `configValidatorSource`): compiling the schema cost 0.2–0.4 s of CPU at every start.
 * Both come from `configAjv`, so they report the same errors (test/unit/config/precompiled-validator.test.ts).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';
import schema from './groupwriteback.schema.json';

/** The one ajv set-up of the schema; `source` keeps the generated code (for standalone output). */
function configAjv(source = false): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, discriminator: true, allowUnionTypes: true, ...(source ? { code: { source: true, esm: false } } : {}) });
  addFormats(ajv);
  return ajv;
}

export function compileConfigValidator(): ValidateFunction {
  return configAjv().compile(schema);
}

/**
 * This module as CommonJS source with the validator generated ahead of time: it requires only ajv's and
 * ajv-formats' small runtime parts (the bundle carries them), not ajv's compiler.
 */
export function configValidatorSource(): string {
  const ajv = configAjv(true);
  const code = standaloneCode(ajv, ajv.compile(schema));
  return `${code}\nconst precompiled = module.exports;\nmodule.exports = { compileConfigValidator: () => precompiled };\n`;
}
