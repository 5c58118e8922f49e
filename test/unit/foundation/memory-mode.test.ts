import { describe, expect, it } from 'vitest';
import { GwbError } from '../../../src/core/errors';
import { applyMemoryMode, MEMORY_MODE_ENV, memoryMode } from '../../../src/core/memory-mode';

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
