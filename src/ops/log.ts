/** `log`: query the provisioning log (GroupWriteback.LogEntry), streamed. */
import { UsageError } from '../core/errors';
import { defineOperation } from '../core/operation';
import { queryLog, type LogAction, type LogEntry, type LogQuery, type LogResult } from '../state/log';
import { join } from 'node:path';
import { configForStore, type ConfigParams } from './engine-support';

export const LOG_ENTRY_TYPE = 'GroupWriteback.LogEntry';

export interface LogParams extends ConfigParams {
  cycleId?: string;
  /** A cloud group id: its own entries and its members' entries. */
  groupId?: string;
  action?: LogAction | LogAction[];
  result?: LogResult | LogResult[];
  /** ISO date/time (inclusive). */
  after?: string;
  /** ISO date/time (exclusive). */
  before?: string;
  /** Only the last N matching entries. */
  last?: number;
  /**
   * One flat record per entry with the same properties every time, lists and changes as text (what the PowerShell
   * module outputs, so that Export-Csv keeps every column). Default: the entries as logged.
   */
  flat?: boolean;
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join('; ') : String(v));

/** The flat record of a log entry (GroupWriteback.LogEntry in PowerShell). */
export function flatLogEntry(e: LogEntry): Record<string, unknown> {
  const groupId = e.groupId ?? (e.sourceType === 'group' ? e.sourceId : undefined);
  return {
    Timestamp: e.timestamp,
    CycleId: e.cycleId,
    ChangeId: e.changeId,
    Action: e.action,
    Status: e.result,
    GroupId: groupId ?? null,
    SourceId: e.sourceId ?? null,
    SourceType: e.sourceType ?? null,
    DisplayName: e.displayName ?? null,
    MemberName: e.memberName ?? null,
    TargetDn: e.targetDn ?? null,
    Count: e.count ?? null,
    MemberIds: text(e.memberIds),
    Modified: (e.modified ?? []).map((m) => `${m.attribute}: ${text(m.old)} -> ${text(m.new)}`).join(' | '),
    Reason: e.reason ?? null,
    ErrorCode: e.error?.code ?? null,
    ErrorMessage: e.error?.message ?? null,
    Hint: e.error?.hint ?? null,
  };
}

const ACTIONS: LogAction[] = ['cycle', 'create', 'update', 'rename', 'move', 'match', 'memberAdd', 'memberRemove', 'delete', 'empty', 'convert', 'release', 'held', 'skip', 'drift', 'error'];
const RESULTS: LogResult[] = ['success', 'failure', 'skipped', 'held', 'warning'];

function isoParam(name: string, v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) throw new UsageError(`${name} is not a date/time: ${String(v)}`, { target: name, hint: 'Use ISO 8601, e.g. 2025-01-31 or 2025-01-31T08:00:00Z.' });
  return d.toISOString();
}

function listParam<T extends string>(name: string, v: unknown, allowed: T[]): T[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = (Array.isArray(v) ? v : String(v).split(',')).map((x) => String(x).trim()).filter(Boolean);
  const bad = list.filter((x) => !allowed.includes(x as T));
  if (bad.length) throw new UsageError(`Unknown ${name}: ${bad.join(', ')}`, { target: name, hint: `Use ${allowed.join(', ')}.` });
  return list as T[];
}

export const logOp = defineOperation<LogParams>({
  name: 'log',
  summary: 'Query the provisioning log by cycle, group, action, result and time.',
  output: 'list',
  async run(params, ctx) {
    const config = configForStore(params, ctx);
    const q: LogQuery = {};
    if (params.cycleId) q.cycleId = params.cycleId;
    if (params.groupId) q.groupId = params.groupId.toLowerCase();
    const action = listParam('action', params.action, ACTIONS);
    if (action) q.action = action;
    const result = listParam('result', params.result, RESULTS);
    if (result) q.result = result;
    const after = isoParam('after', params.after);
    if (after) q.after = after;
    const before = isoParam('before', params.before);
    if (before) q.before = before;
    if (params.last !== undefined) {
      const n = Number(params.last);
      if (!Number.isInteger(n) || n < 1) throw new UsageError('last must be a positive whole number.', { target: 'last' });
      q.last = n;
    }
    for await (const e of queryLog(join(config.state.path, 'log'), q)) {
      if (ctx.signal.aborted) break;
      ctx.sink.result(LOG_ENTRY_TYPE, params.flat ? flatLogEntry(e) : e);
    }
  },
});

/** Whether a run/watch also emits its provisioning log entries as results ('auto': with the directory store). */
export function streamsLog(param: boolean | 'auto' | undefined, config: { state: { store: string } }): boolean {
  return param === 'auto' ? config.state.store === 'directory' : !!param;
}
