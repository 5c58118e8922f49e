/** Plain-text rendering of result objects for people (the JSON form is for scripts). */
export function formatHuman(data: unknown): string {
  if (data === null || data === undefined) return '';
  if (typeof data !== 'object') return String(data);
  if (Array.isArray(data)) return data.map(formatHuman).join('\n');
  const entries = Object.entries(data as Record<string, unknown>);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries
    .map(([k, v]) => `${k.padEnd(width)} : ${v !== null && typeof v === 'object' ? JSON.stringify(v) : v ?? ''}`)
    .join('\n') + '\n';
}
