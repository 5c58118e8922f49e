/**
 * The provisioning log: one JSON line per object per action, in daily files `log/provisioning-YYYY-MM-DD.jsonl`.
 * Writes are buffered and flushed in chunks (bounded memory); queries stream the files line by line.
 */
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, readdirSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type LogAction =
  | 'cycle'
  | 'create'
  | 'update'
  | 'rename'
  | 'move'
  | 'match'
  | 'memberAdd'
  | 'memberRemove'
  | 'delete'
  | 'empty'
  | 'convert'
  | 'release'
  | 'held'
  | 'skip'
  | 'drift'
  | 'error';

export type LogResult = 'success' | 'failure' | 'skipped' | 'held' | 'warning';

export interface ModifiedProperty {
  attribute: string;
  old: string | string[] | null;
  new: string | string[] | null;
}

export interface LogEntry {
  timestamp: string;
  cycleId: string;
  /** Groups the steps of one object's change within a cycle. */
  changeId: string;
  action: LogAction;
  result: LogResult;
  /** Cloud object the entry concerns (group, user, device…). */
  sourceId?: string;
  sourceType?: 'group' | 'user' | 'device' | 'orgContact' | 'servicePrincipal' | 'other';
  /** For member entries: the cloud group whose membership it concerns. */
  groupId?: string;
  /** The display name of the group the entry concerns (for member entries: the group whose membership changed). */
  displayName?: string;
  /** Member entries about one member (skips): the member's UPN (users) or display name. */
  memberName?: string;
  targetDn?: string;
  modified?: ModifiedProperty[];
  /** Member writes: how many values, and which cloud ids. */
  count?: number;
  memberIds?: string[];
  reason?: string;
  error?: { code: string; message: string; hint?: string };
}

const FILE_RE = /^provisioning-(\d{4}-\d{2}-\d{2})\.jsonl$/;
const FLUSH_BYTES = 64 * 1024;

export class ProvisioningLog {
  private buf: string[] = [];
  private bytes = 0;
  private fd: number | undefined;
  private day = '';
  private openDay = '';
  /** Counts per action/result in this writer's life, for summaries. */
  written = 0;

  /** `onEntry`: also hand each entry on (the runbook's output stream). */
  constructor(
    readonly dir: string,
    private readonly onEntry?: (entry: LogEntry) => void,
  ) {}

  append(entry: Omit<LogEntry, 'timestamp'> & { timestamp?: string }): void {
    const e = { timestamp: entry.timestamp ?? new Date().toISOString(), ...entry };
    this.onEntry?.(e as LogEntry);
    const line = JSON.stringify(e) + '\n';
    const day = e.timestamp.slice(0, 10);
    if (day !== this.day && this.buf.length) this.flush();
    this.day = day;
    this.buf.push(line);
    this.bytes += line.length;
    this.written++;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (!this.buf.length) return;
    const file = join(this.dir, `provisioning-${this.day}.jsonl`);
    if (this.fd === undefined || this.openDay !== this.day) {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = openSync(file, 'a', 0o600);
      this.openDay = this.day;
      if (!endsWithNewline(file)) this.buf.unshift('\n'); // a torn line from a killed writer stays on its own
    }
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.bytes = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) {
      try {
        fsyncSync(this.fd);
      } catch {
        /* ignore */
      }
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Delete daily files older than `days`. */
  prune(days: number, now = new Date()): number {
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
    let removed = 0;
    for (const f of listLogFiles(this.dir)) {
      if (f.day < cutoff) {
        try {
          unlinkSync(join(this.dir, f.name));
          removed++;
        } catch {
          /* ignore */
        }
      }
    }
    return removed;
  }
}

function endsWithNewline(file: string): boolean {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    if (size === 0) return true;
    fd = openSync(file, 'r');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] === 0x0a;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function listLogFiles(dir: string): { name: string; day: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, m: FILE_RE.exec(name) }))
    .filter((x) => x.m)
    .map((x) => ({ name: x.name, day: x.m![1] }))
    .sort((a, b) => a.day.localeCompare(b.day));
}

export interface LogQuery {
  cycleId?: string;
  /** Matches the entry's sourceId or groupId. */
  groupId?: string;
  sourceId?: string;
  action?: LogAction | LogAction[];
  result?: LogResult | LogResult[];
  /** ISO timestamps (inclusive after, exclusive before). */
  after?: string;
  before?: string;
  /** Keep only the last N matching entries (chronological order). */
  last?: number;
}

export function matches(e: LogEntry, q: LogQuery): boolean {
  if (q.cycleId && e.cycleId !== q.cycleId) return false;
  if (q.groupId && e.sourceId !== q.groupId && e.groupId !== q.groupId) return false;
  if (q.sourceId && e.sourceId !== q.sourceId) return false;
  if (q.action && !(Array.isArray(q.action) ? q.action : [q.action]).includes(e.action)) return false;
  if (q.result && !(Array.isArray(q.result) ? q.result : [q.result]).includes(e.result)) return false;
  if (q.after && e.timestamp < q.after) return false;
  if (q.before && e.timestamp >= q.before) return false;
  return true;
}

/** Stream matching entries in chronological order. Unparsable lines (a torn last line after a kill) are skipped. */
export async function* queryLog(dir: string, q: LogQuery = {}): AsyncGenerator<LogEntry> {
  const ring: LogEntry[] = [];
  const afterDay = q.after?.slice(0, 10);
  const beforeDay = q.before?.slice(0, 10);
  for (const f of listLogFiles(dir)) {
    if (afterDay && f.day < afterDay) continue;
    if (beforeDay && f.day > beforeDay) continue;
    const rl = createInterface({ input: createReadStream(join(dir, f.name), 'utf8'), crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line) continue;
      let e: LogEntry;
      try {
        e = JSON.parse(line) as LogEntry;
      } catch {
        continue;
      }
      if (!matches(e, q)) continue;
      if (q.last !== undefined) {
        ring.push(e);
        if (ring.length > q.last) ring.shift();
      } else {
        yield e;
      }
    }
  }
  if (q.last !== undefined) yield* ring;
}
