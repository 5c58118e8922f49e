/**
 * Connection handling of LdapTarget/LdapPool against a real Samba AD DC, through a TCP relay on 127.0.0.1 that the
 * test can break: idle connections cut, a response lost after the server applied a write (the request is retried
 * on a new connection and must come out right), and a DC that accepts but never answers (failover).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type DcHandle } from '../lab/samba/dc';
import { createAdUsers, generateUserSpecs, type AdUserRecord } from '../lab/seed';
import { LdapTarget, type LdapTargetOptions } from '../../src/directory/ldap-target';
import { cnDn, normalizeDn, rdnValue } from '../../src/directory/dn';
import { LdapPool } from '../../src/directory/pool';

interface Relay {
  url: string;
  /** Destroy every relayed connection now. */
  cutAll(): void;
  /** Swallow the next server→client data and cut that connection (the server has done the work). */
  loseNextResponse(): void;
  /** Accept connections but never relay anything. */
  blackhole: boolean;
  close(): Promise<void>;
}

async function startRelay(host: string, port: number): Promise<Relay> {
  const pairs = new Set<[Socket, Socket]>();
  const accepted = new Set<Socket>();
  let loseNext = false;
  const relay: Relay = {
    url: '',
    blackhole: false,
    cutAll: () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
      for (const s of accepted) s.destroy();
      accepted.clear();
    },
    loseNextResponse: () => {
      loseNext = true;
    },
    close: () => new Promise((res) => server.close(() => res())),
  };
  const server: Server = createServer((client) => {
    client.on('error', () => {});
    accepted.add(client);
    client.on('close', () => accepted.delete(client));
    if (relay.blackhole) return;
    const upstream = connect(port, host);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (loseNext) {
        loseNext = false;
        client.destroy();
        upstream.destroy();
        pairs.delete(pair);
        return;
      }
      client.write(d);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const addr = server.address();
  relay.url = `ldaps://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return relay;
}

let dc: DcHandle;
let relay: Relay;
let users: AdUserRecord[];
const targets: LdapTarget[] = [];

function target(extra: Partial<LdapTargetOptions> = {}): LdapTarget {
  const t = new LdapTarget({
    urls: relay.url,
    baseDn: dc.baseDn,
    bindDn: dc.service.bindDn,
    password: dc.service.password,
    caFile: dc.caFile,
    connections: 1,
    ...extra,
  });
  targets.push(t);
  return t;
}

const groupAttrs = (anchor: string, name: string): Record<string, string> => ({
  objectClass: 'group',
  groupType: '-2147483640',
  'msDS-ExternalDirectoryObjectId': anchor,
  displayName: name,
});

beforeAll(async () => {
  dc = await startDc();
  relay = await startRelay(dc.ip, 636);
  users = await createAdUsers(dc, generateUserSpecs(20, { prefix: 'pool', domain: dc.domain }));
});

afterAll(async () => {
  for (const t of targets) await t.close().catch(() => {});
  relay?.cutAll();
  await relay?.close();
  await dc?.stop();
});

describe('broken connections', () => {
  it('replaces idle connections the server side closed', async () => {
    const t = target({ connections: 2 });
    await Promise.all([t.checkConnection(), t.checkConnection()]);
    expect(t.countOperations().binds).toBe(2);
    relay.cutAll();
    await new Promise((r) => setTimeout(r, 50));
    await expect(t.checkConnection()).resolves.toMatchObject({ baseDn: dc.baseDn });
    expect(t.countOperations().binds).toBe(3);
  });

  it('retries a read whose answer was lost', async () => {
    const t = target();
    await t.checkConnection();
    relay.loseNextResponse();
    await expect(t.readGroup(dc.targetOu)).resolves.toMatchObject({ dn: dc.targetOu });
    expect(t.countOperations()).toMatchObject({ binds: 2, searches: 3 });
  });

  it('writes come out right when the answer to an applied write is lost', async () => {
    const t = target();
    await t.checkConnection();
    const anchor = 'Group_77777777-0000-4000-8000-000000000001';
    const dn = cnDn('Lost answers', dc.targetOu);

    relay.loseNextResponse(); // the add lands, its answer does not: retried → 68 → it is ours
    const g = await t.createGroup(dn, groupAttrs(anchor, 'Lost answers'));
    expect(g.anchor).toBe(anchor);
    expect((await t.findByAnchor(anchor)).map((x) => x.objectGuid)).toEqual([g.objectGuid]);

    relay.loseNextResponse(); // member add lands → retried → 68 → re-read, nothing left
    await t.addMembers(g.dn, users.slice(0, 10).map((u) => u.dn));
    expect(new Set((await t.readMembers(g.dn)).map(normalizeDn))).toEqual(new Set(users.slice(0, 10).map((u) => normalizeDn(u.dn))));

    relay.loseNextResponse(); // member remove lands → retried → 53 → re-read, nothing left
    await t.removeMembers(g.dn, users.slice(0, 5).map((u) => u.dn));
    expect(await t.readMembers(g.dn)).toHaveLength(5);

    relay.loseNextResponse(); // rename lands → retried → 32 on the old DN, the new one exists
    const moved = await t.moveGroup(g.dn, cnDn('Lost answers, renamed', dc.targetOu2));
    expect(rdnValue(moved)).toBe('Lost answers, renamed');
    expect((await t.readGroup(moved))?.objectGuid).toBe(g.objectGuid);

    relay.loseNextResponse(); // delete lands → retried → 32: done
    await t.deleteGroup(moved);
    expect(await t.findByAnchor(anchor)).toEqual([]);
    expect(t.countOperations().binds).toBeGreaterThanOrEqual(6);
  });
});

describe('failover', () => {
  it('skips a DC that accepts connections but never answers', async () => {
    const mute = await startRelay(dc.ip, 636);
    mute.blackhole = true;
    try {
      // The budget bounds the healthy DC's TLS handshake too (one connectTimeoutMs for every URL): 300 ms raced a
      // loaded machine's handshake with Samba. The mute one certainly outlasts any budget (it never answers).
      const t = target({ urls: [mute.url, dc.url], connectTimeoutMs: 5_000 });
      await expect(t.checkConnection()).resolves.toMatchObject({ url: dc.url });
    } finally {
      mute.cutAll();
      await mute.close();
    }
  });

  it('LdapPool caps the pool at 10 connections (Samba listen backlog)', async () => {
    const pool = new LdapPool({ urls: [dc.url], bindDn: dc.service.bindDn, password: dc.service.password, caFile: dc.caFile, size: 50 });
    try {
      const leases = await Promise.all(Array.from({ length: 10 }, () => pool.lease()));
      let eleventh = false;
      const waiting = pool.lease().then((l) => {
        eleventh = true;
        return l;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(eleventh).toBe(false);
      expect(pool.stats().open).toBe(10);
      leases[0].release();
      (await waiting).release();
      expect(eleventh).toBe(true);
      for (const l of leases.slice(1)) l.release();
      expect(pool.stats()).toMatchObject({ connects: 10, open: 10 });
    } finally {
      await pool.close();
    }
  });
});
