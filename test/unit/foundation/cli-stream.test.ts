import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCliOperation } from '../../../src/cli/run-operation';
import { GwbError } from '../../../src/core/errors';
import { defineOperation } from '../../../src/core/operation';

// An operation that runs "until stopped" like watch: it emits results over time, then (optionally) fails.
let seenBeforeEnd: string[] = [];
defineOperation<{ fail?: boolean }>({
  name: 'test-stream-output',
  summary: 'test only',
  output: 'stream',
  async run(params, { sink }) {
    for (let i = 1; i <= 3; i++) {
      sink.result('Test.Cycle', { cycle: i, groups: { created: i } });
      seenBeforeEnd = [...written];
    }
    if (params.fail) throw new GwbError('The lease was lost.', { code: 'LeaseLost', category: 'ResourceUnavailable', hint: 'Start it again.' });
  },
});

let written: string[] = [];
afterEach(() => vi.restoreAllMocks());

function capture() {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
}

describe('--json of an operation that streams (watch)', () => {
  it('prints each result at once as one JSON line (NDJSON), and no document at the end', async () => {
    capture();
    const code = await runCliOperation('test-stream-output', {}, { json: true });
    expect(code).toBe(0);
    // The third result's line was out before the operation ended.
    expect(seenBeforeEnd).toHaveLength(3);
    expect(written).toHaveLength(3);
    expect(written.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(written.map((l) => JSON.parse(l))).toEqual([1, 2, 3].map((i) => ({ cycle: i, groups: { created: i } })));
  });

  it('a terminating error is one more line, {"error": …}, after the results', async () => {
    capture();
    const code = await runCliOperation('test-stream-output', { fail: true }, { json: true });
    expect(code).not.toBe(0);
    expect(written).toHaveLength(4);
    expect(JSON.parse(written[3])).toMatchObject({ error: { code: 'LeaseLost', message: 'The lease was lost.', hint: 'Start it again.' } });
  });
});
