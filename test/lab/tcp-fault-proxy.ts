/**
 * A TCP relay in front of a lab server (the DC's LDAPS port), for failover tests: `hang()` keeps accepting
 * connections and holding the existing ones but forwards nothing (a hung DC seen through this address),
 * `resume()` forwards again, `close()` ends everything. TLS passes through untouched, so the DC's certificate
 * (issued for its IP) still matches when the relay listens on the same IP, another port.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpFaultProxy {
  /** `host:port` the relay listens on. */
  host: string;
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  hang(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpFaultProxy(opts: { host: string; targetHost: string; targetPort: number }): Promise<TcpFaultProxy> {
  let hung = false;
  let accepted = 0;
  const pairs = new Set<[Socket, Socket]>();
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
    client.on('data', (d) => {
      if (!hung) upstream.write(d);
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
    hang: () => {
      hung = true;
    },
    resume: () => {
      hung = false;
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
