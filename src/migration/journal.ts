/**
 * The migration journal: every change a migration makes, appended (and fsynced) BEFORE it is made and again once
 * it is done, so that a migration killed at any point can be rerun, and `-Undo` removes exactly what migrations
 * wrote, nothing else. One JSON object per line in <state.path>/migration-journal.jsonl; a torn last line (a kill
 * during the append) is ignored.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GwbError } from '../core/errors';

export type JournalOp =
  /** About to stamp msDS-ExternalDirectoryObjectId (written before the LDAP modify). */
  | 'stamp'
  /** The stamp is written. */
  | 'stamped'
  /** Undo removed a stamp. */
  | 'unstamp'
  /** A configuration key changed (before → after). */
  | 'config'
  /** Undo restored a configuration key. */
  | 'configRestored';

export interface JournalEntry {
  at: string;
  /** One apply or undo run. */
  runId: string;
  op: JournalOp;
  /** stamp/stamped/unstamp: the group. */
  dn?: string;
  objectGuid?: string;
  cloudId?: string;
  attribute?: string;
  /** config/configRestored: the dotted key. */
  key?: string;
  before: unknown;
  after: unknown;
}

export const JOURNAL_FILE = 'migration-journal.jsonl';

export function journalPath(statePath: string): string {
  return join(statePath, JOURNAL_FILE);
}

export class MigrationJournal {
  constructor(readonly path: string) {}

  /** Append one entry durably (write + fsync) before returning. */
  append(entry: Omit<JournalEntry, 'at'> & { at?: string }): void {
    const line = JSON.stringify({ at: entry.at ?? new Date().toISOString(), ...entry }) + '\n';
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      const fd = openSync(this.path, 'a+', 0o600);
      try {
        // A kill during an earlier append may have left a torn last line: start on a line of our own.
        const size = fstatSync(fd).size;
        const last = Buffer.alloc(1);
        const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
        writeSync(fd, torn ? `\n${line}` : line);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      throw new GwbError(`Cannot write the migration journal ${this.path}: ${(err as Error).message}`, {
        code: 'MigrationJournalUnwritable',
        category: 'WriteError',
        target: this.path,
        hint: 'Nothing further is written without its journal entry. Check free space and the permissions of state.path.',
        cause: err,
      });
    }
  }

  read(): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    const out: JournalEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        /* a torn last line from a kill during the append: that change was not made yet */
      }
    }
    return out;
  }
}

/**
 * Stamps this journal holds as still in force, by objectGUID: the last stamp/stamped entry of each group not
 * followed by an unstamp. A 'stamp' without 'stamped' counts: the write may have landed before a kill.
 */
export function stampsInForce(entries: readonly JournalEntry[]): Map<string, JournalEntry> {
  const out = new Map<string, JournalEntry>();
  for (const e of entries) {
    if (!e.objectGuid) continue;
    const k = e.objectGuid.toLowerCase();
    if (e.op === 'stamp' || e.op === 'stamped') out.set(k, e);
    else if (e.op === 'unstamp') out.delete(k);
  }
  return out;
}

/** Configuration changes in force: the first 'config' entry per key (its `before` is the original) not restored since. */
export function configChangesInForce(entries: readonly JournalEntry[]): Map<string, JournalEntry> {
  const out = new Map<string, JournalEntry>();
  for (const e of entries) {
    if (!e.key) continue;
    if (e.op === 'config') {
      const first = out.get(e.key);
      out.set(e.key, first ? { ...e, before: first.before } : e);
    } else if (e.op === 'configRestored') out.delete(e.key);
  }
  return out;
}
