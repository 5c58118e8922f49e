/** `gwb expression test` and the `expression.test` operation (what the cmdlet calls over RPC). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/ops';
import { main } from '../../../src/cli/main';
import { EventSink, type CoreEvent } from '../../../src/core/events';
import { getOperation } from '../../../src/core/operation';

async function gwb(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'gwb', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('gwb expression test', () => {
  const input = JSON.stringify({ displayName: '  Sales  ', objectId: '0f8ad6f1-3c5e-4a53-b8c2-e9305786a271', groupTypes: ['DynamicMembership'] });

  it('--json prints {"value": …}', async () => {
    const r = await gwb('expression', 'test', '--expression', 'Append(Append(Left(Trim([displayName]),51),"_"),Mid([objectId],25,12))', '--input', input, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ value: 'Sales_e9305786a271' });
  });

  it('multi-valued as an array, no value as null, dropped flagged', async () => {
    expect(JSON.parse((await gwb('expression', 'test', '-e', 'Split("a,b", ",")', '--json')).stdout)).toEqual({ value: ['a', 'b'] });
    expect(JSON.parse((await gwb('expression', 'test', '-e', '[description]', '--json')).stdout)).toEqual({ value: null });
    expect(JSON.parse((await gwb('expression', 'test', '-e', 'IgnoreFlowIfNullOrEmpty([description])', '--json')).stdout)).toEqual({ value: null, dropped: true });
  });

  it('prints the value for people', async () => {
    const r = await gwb('expression', 'test', '-e', 'ToUpper(Trim([displayName]))', '-i', input);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^value : SALES$/m);
  });

  it('a syntax error: {"error": …} with the column, non-zero exit', async () => {
    const r = await gwb('expression', 'test', '-e', 'Left("abc" 3)', '--json');
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error).toMatchObject({ name: 'ParseError', code: 'ExpressionSyntaxError', category: 'ParserError', target: { expression: 'Left("abc" 3)', line: 1, column: 12 } });
    expect(error.message).toMatch(/at column 12/);
    expect(r.stderr).toMatch(/ERROR: Expected ',' or '\)' but found the number 3 \(at column 12\)/);
  });

  it('an evaluation error names the function and argument', async () => {
    const r = await gwb('expression', 'test', '-e', 'Item([groupTypes], 2)', '-i', input, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ name: 'EvaluationError', category: 'InvalidData', target: { function: 'Item', argument: 'index', column: 1 } });
  });

  it('invalid input JSON is a usage error (exit 2)', async () => {
    const r = await gwb('expression', 'test', '-e', '[displayName]', '-i', '{nope', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'InvalidExpressionInput', category: 'InvalidArgument' });
  });

  it('--input @file and --now', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gwb-expr-'));
    const file = join(dir, 'in.json');
    writeFileSync(file, JSON.stringify({ createdDateTime: '2021-08-18T00:00:00Z' }));
    const r = await gwb('expression', 'test', '-e', 'DateDiff("d", CDate([createdDateTime]), Now())', '-i', `@${file}`, '--now', '2021-08-31T12:00:00Z', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ value: '13' });
    const missing = await gwb('expression', 'test', '-e', '1', '-i', `@${join(dir, 'missing.json')}`, '--json');
    expect(missing.code).toBe(2);
  });
});

describe('expression.test operation', () => {
  async function run(params: Record<string, unknown>) {
    const events: CoreEvent[] = [];
    const sink = new EventSink();
    sink.on((e) => events.push(e));
    await getOperation('expression.test').run(params, { sink, signal: new AbortController().signal, secrets: {} });
    return events.filter((e) => e.type === 'result');
  }

  it('emits a GroupWriteback.ExpressionResult; input may be an object or JSON text', async () => {
    expect(await run({ expression: 'Join("-", [a], [b])', input: { a: 'x', b: 'y' } })).toEqual([{ type: 'result', typeName: 'GroupWriteback.ExpressionResult', data: { value: 'x-y' } }]);
    expect(await run({ expression: 'Join("-", [a], [b])', input: '{"a": "x", "b": ["y", "z"]}' })).toEqual([{ type: 'result', typeName: 'GroupWriteback.ExpressionResult', data: { value: 'x-y-z' } }]);
  });

  it('rejects a missing expression and non-object input', async () => {
    await expect(run({ expression: '  ' })).rejects.toMatchObject({ code: 'MissingExpression' });
    await expect(run({ expression: '1', input: '[1,2]' })).rejects.toMatchObject({ code: 'InvalidExpressionInput' });
  });

  it('passes macros through', async () => {
    const [r] = await run({ expression: 'Append("@", %DomainFQDN%)', macros: { DomainFQDN: 'contoso.com' } });
    expect(r).toMatchObject({ data: { value: '@contoso.com' } });
  });
});
