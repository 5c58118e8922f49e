import { describe, expect, it } from 'vitest';
import { internStamps, statusStamp } from '../../../src/state/stamp';

describe('statusStamp / internStamps', () => {
  it('stamps to the second, the same text within a second, the next second after it', () => {
    expect(statusStamp(new Date('2026-12-03T22:41:31.123Z'))).toBe('2026-12-03T22:41:31.000Z');
    expect(statusStamp(new Date('2026-12-03T22:41:31.999Z'))).toBe('2026-12-03T22:41:31.000Z');
    expect(statusStamp(new Date('2026-12-03T22:41:32.000Z'))).toBe('2026-12-03T22:41:32.000Z');
    // Going back in time (a test clock, a clock step) stamps that second, not the last one.
    expect(statusStamp(new Date('2025-01-01T00:00:00.500Z'))).toBe('2025-01-01T00:00:00.000Z');
  });

  it('interning keeps every record its own value', () => {
    const recs = [{ since: '2026-12-03T00:00:00Z' }, { since: '2026-12-03T00:00:01Z' }, { since: '2026-12-03T00:00:00Z' }];
    internStamps(recs);
    expect(recs.map((r) => r.since)).toEqual(['2026-12-03T00:00:00Z', '2026-12-03T00:00:01Z', '2026-12-03T00:00:00Z']);
  });
});
