import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import '../../../src/ops';
import { serveRpc } from '../../../src/rpc/server';
import type { CoreMessage } from '../../../src/rpc/protocol';

/**
 * Runs serveRpc over in-memory streams; `lines` are written after hello; returns every message. Stdin closes once
 * every request has exited (`close: 'exited'`), or right after the lines (`'written'`: the stream keeps their order,
 * so the server reads them all before the end) — never after a delay some run may outlast on a loaded machine.
 */
async function converse(lines: object[], opts: { close?: 'exited' | 'written' } = {}): Promise<CoreMessage[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  const messages: CoreMessage[] = [];
  const pending = new Set(lines.filter((l: any) => l.type === 'request').map((l: any) => l.id as string));
  let buf = '';
  output.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, i)) as CoreMessage;
      messages.push(m);
      buf = buf.slice(i + 1);
      if (m.type === 'exit' && pending.delete((m as any).id) && pending.size === 0 && opts.close !== 'written') input.end();
    }
  });
  const done = serveRpc(input, output);
  for (const l of lines) input.write(JSON.stringify(l) + '\n');
  if (opts.close === 'written') input.end();
  await done;
  return messages;
}

/** Resolves once `lines` (filled by an output listener) holds the exit of request `id`. */
function exitOf(output: PassThrough, lines: any[], id: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (lines.some((l) => l.type === 'exit' && l.id === id)) {
        output.off('data', check);
        resolve();
      }
    };
    output.on('data', check);
    check();
  });
}

describe('rpc server', () => {
  it('says hello with the protocol version, then runs a request to its exit', async () => {
    const m = await converse([{ type: 'request', id: 'a', op: 'version' }]);
    expect(m[0]).toMatchObject({ type: 'hello', protocol: 1 });
    const result = m.find((x) => x.type === 'result');
    // Results go to PowerShell with PascalCase properties.
    expect(result).toMatchObject({ id: 'a', typeName: 'GroupWriteback.CoreVersion', data: { Node: process.versions.node } });
    expect(m.at(-1)).toEqual({ type: 'exit', id: 'a', code: 0 });
  });

  it('reports an unknown operation as a terminating usage error with the known ones as the fix', async () => {
    const m = await converse([{ type: 'request', id: 'b', op: 'no-such-op' }]);
    const err = m.find((x) => x.type === 'error') as any;
    expect(err.terminating).toBe(true);
    expect(err.error.code).toBe('UnknownOperation');
    expect(err.error.target).toBe('no-such-op');
    expect(err.error.hint).toMatch(/version/);
    expect(m.at(-1)).toEqual({ type: 'exit', id: 'b', code: 2 });
  });

  it('tags every event with the request id and counts non-terminating errors as partial failure', async () => {
    const events = [
      { type: 'log', level: 'warning', message: 'careful' },
      { type: 'error', terminating: false, error: { name: 'X', code: 'X', category: 'InvalidData', message: 'one group failed', target: 'g1' } },
    ];
    const m = await converse([{ type: 'request', id: 'c', op: 'selftest', params: { events } }]);
    const tagged = m.filter((x) => x.type !== 'hello');
    expect(tagged.every((x: any) => x.id === 'c')).toBe(true);
    expect(m.at(-1)).toEqual({ type: 'exit', id: 'c', code: 3 });
  });

  it('cancels the request in flight when stdin closes', async () => {
    const m = await converse([{ type: 'request', id: 'd', op: 'selftest', params: { events: [], fail: 'hang' } }], { close: 'written' });
    const err = m.find((x) => x.type === 'error') as any;
    expect(err.error.category).toBe('OperationStopped');
    expect(m.at(-1)).toEqual({ type: 'exit', id: 'd', code: 130 });
  });

  it('cancels on a cancel message and keeps serving later requests', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const lines: any[] = [];
    output.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l))));
    const done = serveRpc(input, output);
    input.write(JSON.stringify({ type: 'request', id: 'e1', op: 'selftest', params: { events: [{ type: 'log', level: 'verbose', message: 'e1 runs' }], fail: 'hang' } }) + '\n');
    // A cancel names the request in flight: send it once e1 runs (its first event), not after a guessed delay.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (lines.some((l) => l.id === 'e1' && l.type !== 'hello')) {
          output.off('data', check);
          resolve();
        }
      };
      output.on('data', check);
    });
    input.write(JSON.stringify({ type: 'cancel', id: 'e1' }) + '\n');
    input.write(JSON.stringify({ type: 'request', id: 'e2', op: 'version' }) + '\n');
    await exitOf(output, lines, 'e2');
    input.end();
    await done;
    expect(lines.find((l) => l.type === 'exit' && l.id === 'e1').code).toBe(130);
    expect(lines.find((l) => l.type === 'exit' && l.id === 'e2').code).toBe(0);
  });

  it('answers a line that is not JSON with a protocol error instead of dying', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (c: Buffer) => chunks.push(c.toString()));
    const done = serveRpc(input, output);
    input.write('this is not json\n');
    setTimeout(() => input.end(), 50);
    await done;
    expect(chunks.join('')).toMatch(/"code":"ProtocolError"/);
  });
});
