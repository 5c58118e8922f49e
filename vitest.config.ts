import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Lab CA at <repo>/.lab/pki/ca.pem + NODE_EXTRA_CA_CERTS for the workers (see test/lab/vitest-setup.ts).
    globalSetup: ['test/lab/vitest-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites share one lab (one Samba DC per 127.0.0.1): run files one at a time.
    fileParallelism: false,
  },
});
