import { describe, expect, it } from 'vitest';
import { requestResourceUnits, resourceUnitCost, ResourceUnitBucket } from '../../../src/graph/resource-units';

describe('resource-unit costs (contract §8)', () => {
  it('prices requests by the documented table', () => {
    expect(resourceUnitCost('GET', '/groups/abc/members')).toBe(3);
    expect(resourceUnitCost('GET', '/groups/abc/members?$select=id&$top=999')).toBe(2);
    expect(resourceUnitCost('GET', 'https://graph.microsoft.com/v1.0/groups/abc/members?$top=10')).toBe(2);
    expect(resourceUnitCost('GET', '/groups/abc/transitiveMembers')).toBe(5);
    expect(resourceUnitCost('GET', '/users')).toBe(2);
    expect(resourceUnitCost('GET', '/users?$select=id')).toBe(1);
    expect(resourceUnitCost('POST', '/directoryObjects/getByIds?$select=id,displayName')).toBe(4);
    expect(resourceUnitCost('POST', '/directoryObjects/getByIds')).toBe(5);
    expect(resourceUnitCost('GET', '/groups/delta?$select=id,members')).toBe(1);
    expect(resourceUnitCost('GET', '/groups/abc?$expand=members')).toBe(2);
  });

  it('a $batch costs the sum of its items', () => {
    const body = JSON.stringify({ requests: [
      { id: '1', method: 'GET', url: '/groups/a/members?$select=id' },
      { id: '2', method: 'GET', url: '/groups/b/members' },
      { id: '3', method: 'POST', url: '/directoryObjects/getByIds' },
    ] });
    expect(requestResourceUnits('POST', 'https://127.0.0.1:1/v1.0/$batch', body)).toBe(2 + 3 + 5);
    expect(requestResourceUnits('GET', '/groups?$select=id', undefined)).toBe(1);
  });
});

describe('ResourceUnitBucket', () => {
  it('lets a full budget through at once, then paces to budget per window', async () => {
    let now = 0;
    const slept: number[] = [];
    const bucket = new ResourceUnitBucket(100, 10_000, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    });
    for (let i = 0; i < 50; i++) await bucket.take(2);
    expect(slept).toEqual([]);
    await bucket.take(10);
    // 10 RU at 100 RU / 10 s = 1 s.
    expect(slept).toEqual([1000]);
    expect(bucket.stats).toMatchObject({ units: 110, waits: 1, waitedMs: 1000 });
  });

  it('serves waiting requests in order', async () => {
    let now = 0;
    const bucket = new ResourceUnitBucket(10, 1000, () => now, async (ms) => {
      now += ms;
    });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => bucket.take(10).then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
    expect(now).toBe(2000);
  });
});
