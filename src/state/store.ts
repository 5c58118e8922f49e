/**
 * The file-based state store: one folder (config.state.path) holding
 *   state.json  – delta link, group records (anchor → objectGUID/DN), failed objects, held deletes, quarantine
 *   runs.json   – the last runs' summaries
 *   lock        – the writer's pid (see lock.ts)
 *   log/        – the provisioning log (see log.ts)
 * Every write is atomic. A missing or unreadable state.json is not fatal: the next cycle is a full one and
 * matches everything in AD by anchor, so losing the state never duplicates a group.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic';
import { jsonChunks } from './json-chunks';
import { StateStoreError } from './errors';
import { acquireLock, lockHolder, type LockInfo, type StateLock } from './lock';
import type { JobStore } from './port';
import { emptyState, settleLoadedState, type StateDoc } from './types';

export const STATE_FILE = 'state.json';
export const RUNS_FILE = 'runs.json';
export const MAX_RUNS = 100;

export interface OpenResult {
  store: StateStore;
  /** Set when state.json existed but could not be read (it was set aside). */
  recovered?: string;
}

export class StateStore implements JobStore {
  readonly kind = 'file' as const;
  private constructor(
    readonly dir: string,
    public doc: StateDoc,
  ) {}

  /** Open (creating the folder if needed). Never throws on a corrupt state file: it is set aside. */
  static open(dir: string, options: { create?: boolean } = {}): OpenResult {
    if (options.create !== false) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        mkdirSync(join(dir, 'log'), { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new StateStoreError(`Cannot create the state folder ${dir}: ${(err as Error).message}`, { target: dir, hint: 'Check config.state.path and the folder permissions.', cause: err });
      }
    }
    const file = join(dir, STATE_FILE);
    if (!existsSync(file)) return { store: new StateStore(dir, emptyState()) };
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new StateStoreError(`Cannot read ${file}: ${(err as Error).message}`, { target: file, hint: 'Check the folder permissions.', cause: err });
    }
    try {
      const doc = JSON.parse(text) as StateDoc;
      if (doc.version !== 1 || typeof doc.groups !== 'object') throw new Error(`unknown state version ${String(doc.version)}`);
      return { store: new StateStore(dir, settleLoadedState(doc)) };
    } catch (err) {
      const aside = `${file}.corrupt-${Date.now()}`;
      if (options.create !== false) {
        try {
          renameSync(file, aside);
        } catch {
          /* leave it */
        }
      }
      return { store: new StateStore(dir, emptyState()), recovered: `${(err as Error).message}; set aside as ${aside}` };
    }
  }

  get location(): string {
    return this.dir;
  }

  save(): void {
    try {
      // In chunks: the whole text (≈200 B a group) and its UTF-8 copy are never held at once.
      writeFileAtomic(join(this.dir, STATE_FILE), jsonChunks(this.doc));
    } catch (err) {
      throw new StateStoreError(`Cannot write the state store ${this.dir}: ${(err as Error).message}`, { target: this.dir, hint: 'Check free space and permissions of config.state.path.', cause: err });
    }
  }

  lock(purpose: string): StateLock {
    return acquireLock(this.dir, purpose);
  }

  lockHolder(): LockInfo | undefined {
    return lockHolder(this.dir);
  }

  readRuns<T = unknown>(): T[] {
    try {
      return JSON.parse(readFileSync(join(this.dir, RUNS_FILE), 'utf8')) as T[];
    } catch {
      return [];
    }
  }

  appendRun(run: unknown): void {
    const runs = this.readRuns();
    runs.push(run);
    writeFileAtomic(join(this.dir, RUNS_FILE), JSON.stringify(runs.slice(-MAX_RUNS)));
  }

  /** Two files: the state, then the run history. */
  saveWithRun(run: unknown): void {
    this.save();
    this.appendRun(run);
  }

  get logDir(): string {
    return join(this.dir, 'log');
  }
}
