import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Lab CA at <repo>/.lab/pki/ca.pem + NODE_EXTRA_CA_CERTS for the workers (see test/lab/vitest-setup.ts).
    globalSetup: ['test/lab/vitest-setup.ts'],
    // Timeouts catch hangs; they are not speed checks (speed lives in bench/). Integration tests run real cycles
    // against a real DC, which on a loaded 2-core machine take several times longer than on an idle one: a 60 s
    // default failed a 3-cycle test there (engine-crash) while nothing was wrong.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // Integration suites share one lab (one Samba DC per 127.0.0.1): run files one at a time.
    fileParallelism: false,
  },
});
