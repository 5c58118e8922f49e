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
 *
 * `step()` goes one request at a time: from then on every application-data record a client sends waits at the relay
 * (`waiting()` resolves while one does: that client is blocked on it) until `pass()` lets the oldest through. A test
 * can look at what the run did so far (a journal, AD) at each request, with the run certainly stopped there.
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
  /** Forward what was held, in order, and go on forwarding (ends `step()` too). */
  release(): void;
  /** Hold every client's application-data records one by one from now on (connections accepted after this call). */
  step(): void;
  /** Resolves once a record waits at the relay (at once if one already does). */
  waiting(): Promise<void>;
  /** Let the oldest waiting record through; the next one of that connection waits again. */
  pass(): void;
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
  let stepping = false;
  const gates: Stepper[] = []; // connections whose next record waits, oldest first
  let onWaiting: (() => void) | undefined;
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
    upstream.on('data', (d) => {
      if (!hung) client.write(d);
    });
    if (stepping) {
      const gate = stepper(
        (d) => upstream.write(d),
        () => {
          requests++;
        },
        () => {
          gates.push(gate);
          onWaiting?.();
        },
      );
      client.on('data', (d: Buffer) => gate.feed(d));
      return;
    }
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
      stepping = false;
      for (const gate of gates.splice(0)) gate.open();
    },
    step: () => {
      stepping = true;
    },
    waiting: () =>
      new Promise<void>((resolve) => {
        if (gates.length) resolve();
        else
          onWaiting = () => {
            onWaiting = undefined;
            resolve();
          };
      }),
    pass: () => {
      gates.shift()?.pass();
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

interface Stepper {
  feed(chunk: Buffer): void;
  /** Let the waiting record through; the next one waits again. */
  pass(): void;
  /** Stop waiting altogether: forward everything. */
  open(): void;
}

/**
 * One connection's client bytes in step mode: bytes flow until the first byte of an application-data record
 * (content type 23, read at a record boundary), which waits with everything after it until `pass()`.
 */
function stepper(forward: (d: Buffer) => void, counted: () => void, waits: () => void): Stepper {
  let pending = Buffer.alloc(0);
  let have = 0; // header bytes of the current record seen
  let skip = 0; // body bytes of the current record still to pass
  const header = Buffer.alloc(5);
  let waiting = false;
  let passOne = false;
  let open = false;
  const pump = () => {
    let i = 0;
    while (i < pending.length && !waiting) {
      if (skip > 0) {
        const take = Math.min(skip, pending.length - i);
        skip -= take;
        i += take;
        continue;
      }
      if (have === 0 && pending[i] === 23) {
        if (!open && !passOne) {
          waiting = true;
          break;
        }
        passOne = false;
        counted();
      }
      header[have++] = pending[i++];
      if (have === 5) {
        have = 0;
        skip = header.readUInt16BE(3);
      }
    }
    if (i > 0) forward(pending.subarray(0, i));
    pending = pending.subarray(i);
    if (waiting && !open) waits();
  };
  return {
    feed: (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      if (!waiting) pump();
    },
    pass: () => {
      waiting = false;
      passOne = true;
      pump();
    },
    open: () => {
      open = true;
      waiting = false;
      pump();
    },
  };
}
