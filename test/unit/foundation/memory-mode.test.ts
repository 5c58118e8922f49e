import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GwbError } from '../../../src/core/errors';
import { applyMemoryMode, LEAN_FLAGS, MEMORY_MODE_ENV, memoryMode } from '../../../src/core/memory-mode';

describe('GWB_MEMORY_MODE', () => {
  it('unset or empty → lean; lean/fast in any case; the mode is remembered', () => {
    expect(applyMemoryMode({})).toBe('lean');
    expect(applyMemoryMode({ [MEMORY_MODE_ENV]: '  ' })).toBe('lean');
    expect(applyMemoryMode({ [MEMORY_MODE_ENV]: 'FAST' })).toBe('fast');
    expect(memoryMode()).toBe('fast');
    expect(applyMemoryMode({ [MEMORY_MODE_ENV]: 'Lean' })).toBe('lean');
  });

  it('an unknown value is refused with an error naming the variable, the value and the choices', () => {
    let err: unknown;
    try {
      applyMemoryMode({ [MEMORY_MODE_ENV]: 'small' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GwbError);
    expect(err).toMatchObject({ code: 'InvalidMemoryMode', target: MEMORY_MODE_ENV });
    expect((err as Error).message).toMatch(/GWB_MEMORY_MODE is 'small'.*'lean' or 'fast'/);
  });

});

describe('lean mode flags, set at run time as the core sets them', () => {
  // A child keeps 1.5 million small objects alive while it makes them (every scavenge sees most survive: the
  // case where V8 grows its young generation), then reports the young generation's committed size.
  const script = `
    const v8 = require('node:v8');
    for (const f of JSON.parse(process.argv[1])) v8.setFlagsFromString(f);
    const keep = [];
    let most = 0;
    for (let i = 0; i < 1_500_000; i++) {
      keep.push({ i, s: 'x' + i });
      if (i % 10_000 === 0) most = Math.max(most, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').physical_space_size);
    }
    process.stdout.write(String(Math.round(most / 2 ** 20)) + ' ' + keep.length);
  `;
  const youngMb = (flags: readonly string[]) => {
    const out = execFileSync(process.execPath, ['-e', script, JSON.stringify(flags)], { encoding: 'utf8' });
    return Number(out.split(' ')[0]);
  };

  it('lean keeps the young generation at its first size; V8 defaults grow it', () => {
    expect(youngMb(LEAN_FLAGS)).toBeLessThanOrEqual(4);
    expect(youngMb([])).toBeGreaterThanOrEqual(8);
  });
});
