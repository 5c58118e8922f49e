/**
 * The `since` of a state record (when its status last changed), to the second. Every record stamped within the same
 * second holds the SAME string: a cycle that provisions 50,000 groups in a few minutes holds a few hundred stamps,
 * not 50,000 (≈ 40 bytes each, for the whole cycle and in every later one). Loaded states share theirs too
 * (internStamps): JSON.parse makes one string per record.
 */
let last = { second: Number.NaN, text: '' };

export function statusStamp(at: Date): string {
  const second = Math.floor(at.getTime() / 1000);
  if (second !== last.second) last = { second, text: new Date(second * 1000).toISOString() };
  return last.text;
}

/** One string object per distinct `since` among these records (after a load). */
export function internStamps(records: Iterable<{ since: string }>): void {
  const seen = new Map<string, string>();
  for (const r of records) {
    if (typeof r.since !== 'string') continue;
    const s = seen.get(r.since);
    if (s === undefined) seen.set(r.since, r.since);
    else r.since = s;
  }
}
