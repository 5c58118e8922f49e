/**
 * vitest globalSetup: make sure the lab CA exists at its stable path (<repo>/.lab/pki/ca.pem) before any suite
 * runs, and export NODE_EXTRA_CA_CERTS for the test workers (forked after this runs, so they read it at start).
 * Node reads NODE_EXTRA_CA_CERTS only at process start, so the main vitest process itself cannot pick it up;
 * build/vitest.mjs sets it before launching vitest.
 */
import { ensureLabCa } from './lab-pki';
import { labPaths } from './lab-paths';

export default async function setup(): Promise<void> {
  const caFile = await ensureLabCa(labPaths().pkiDir);
  if (!process.env.NODE_EXTRA_CA_CERTS) process.env.NODE_EXTRA_CA_CERTS = caFile;
}
