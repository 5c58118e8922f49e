/**
 * A TCP relay in front of a lab server (the DC's LDAPS port), for failover tests: `hang()` keeps accepting
 * connections and holding the existing ones but forwards nothing (a hung DC seen through this address),
 * `resume()` forwards again, `close()` ends everything. TLS passes through untouched, so the DC's certificate
 * (issued for its IP) still matches when the relay listens on the same IP, another port.
 *
 * `holdAfter(n)` makes a fault land at a known point of a run, whatever the machine's speed: it counts the TLS
 * application-data records clients send (about one per LDAP request: the record headers are plain text), and once
 * `n` have passed it holds every later byte from clients (buffered, nothing lost) until `release()`. The run is
 * then certainly still going (it waits on the held requests) while the test stops or kills the server.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpFaultProxy {
  /** `host:port` the relay listens on. */
  host: string;
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** TLS application-data records clients sent so far (about one per LDAP request). */
  requests(): number;
  hang(): void;
  resume(): void;
  /** Resolves once clients sent `n` more TLS application-data records; later client bytes are held. */
  holdAfter(n: number): Promise<void>;
  /** Forward what was held, in order, and go on forwarding. */
  release(): void;
  close(): Promise<void>;
}

export async function startTcpFaultProxy(opts: { host: string; targetHost: string; targetPort: number }): Promise<TcpFaultProxy> {
  let hung = false;
  let accepted = 0;
  let requests = 0;
  const pairs = new Set<[Socket, Socket]>();
  let hold: { left: number; reached: () => void } | undefined;
  let holding = false;
  const held: Array<[Socket, Buffer]> = [];
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = createConnection({ host: opts.targetHost, port: opts.targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    const records = tlsRecordCounter();
    client.on('data', (d: Buffer) => {
      if (hung) return;
      if (holding) {
        requests += records(d); // keeps the record parser in step
        held.push([upstream, d]);
        return;
      }
      upstream.write(d);
      const n = records(d);
      requests += n;
      if (hold && n > 0 && (hold.left -= n) <= 0) {
        holding = true;
        hold.reached();
        hold = undefined;
      }
    });
    upstream.on('data', (d) => {
      if (!hung) client.write(d);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fault proxy has no TCP address');
  return {
    host: opts.host,
    port: address.port,
    accepted: () => accepted,
    requests: () => requests,
    hang: () => {
      hung = true;
    },
    resume: () => {
      hung = false;
    },
    holdAfter: (n) =>
      new Promise<void>((resolve) => {
        if (n <= 0) {
          holding = true;
          resolve();
        } else hold = { left: n, reached: resolve };
      }),
    release: () => {
      holding = false;
      for (const [socket, d] of held.splice(0)) if (!socket.destroyed) socket.write(d);
    },
    close: async () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Counts the TLS application-data records (content type 23) in a byte stream fed in arbitrary chunks. */
function tlsRecordCounter(): (chunk: Buffer) => number {
  const header = Buffer.alloc(5);
  let have = 0; // header bytes gathered
  let skip = 0; // body bytes of the current record still to pass
  return (chunk) => {
    let n = 0;
    for (let i = 0; i < chunk.length; ) {
      if (skip > 0) {
        const take = Math.min(skip, chunk.length - i);
        skip -= take;
        i += take;
        continue;
      }
      header[have++] = chunk[i++];
      if (have === 5) {
        have = 0;
        skip = header.readUInt16BE(3);
        if (header[0] === 23) n++;
      }
    }
    return n;
  };
}
