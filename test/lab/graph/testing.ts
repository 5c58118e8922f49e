/** Small helpers for tests driving the emulator through the real Graph client. */
import { PageIterator, type Client } from '@microsoft/microsoft-graph-client';

export interface CollectedPages<T = Record<string, unknown>> {
  items: T[];
  deltaLink?: string;
}

/** Follow @odata.nextLink with the SDK's PageIterator (ConsistencyLevel etc. via `headers`). */
export async function collectAll<T = Record<string, unknown>>(client: Client, first: string, headers?: Record<string, string>): Promise<CollectedPages<T>> {
  let request = client.api(first);
  if (headers) request = request.headers(headers);
  const response = await request.get();
  const items: T[] = [];
  const iterator = new PageIterator(client, response, (item: T) => { items.push(item); return true; },
    headers ? { headers } : undefined);
  await iterator.iterate();
  const deltaLink = iterator.getDeltaLink();
  return { items, ...(deltaLink ? { deltaLink } : {}) };
}

/** Merge the entries of one delta round per object id: last props win, members@delta concatenated. */
export function foldDelta(items: Array<Record<string, unknown>>): Map<string, Record<string, unknown> & { members: Array<Record<string, unknown>> }> {
  const out = new Map<string, Record<string, unknown> & { members: Array<Record<string, unknown>> }>();
  for (const item of items) {
    const id = String(item.id);
    const prev = out.get(id) ?? { members: [] };
    const { 'members@delta': md, ...props } = item as Record<string, unknown> & { 'members@delta'?: Array<Record<string, unknown>> };
    out.set(id, { ...prev, ...props, members: [...prev.members, ...(md ?? [])] });
  }
  return out;
}
