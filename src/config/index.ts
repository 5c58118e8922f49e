export * from './types';
export { loadConfig, resolveConfig, type LoadOptions } from './load';
export { handedOverCertificate, resolveSecret } from './secrets';
export { validateConfigDocument, configSchema, keyPath, type ConfigProblem } from './validate';
