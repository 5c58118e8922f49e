/**
 * Prerequisite checks (Test-GroupWritebackConfiguration, `gwb config test`): each check is one row with a status,
 * what it looked at, what it found, and — when it did not pass — what to do about it.
 */
export const CHECK_TYPE = 'GroupWriteback.ConfigurationCheck';

export type CheckStatus = 'Passed' | 'Failed' | 'Warning' | 'Skipped';
export type CheckArea = 'Configuration' | 'Graph' | 'Directory';

export interface CheckRow {
  area: CheckArea;
  /** Stable id, e.g. `graph.permissions`. */
  id: string;
  /** What was checked, for people: "Graph permissions". */
  check: string;
  status: CheckStatus;
  /** The object looked at: a URL, a DN, the app id. */
  target: string | null;
  /** What was found. */
  message: string;
  /** What to do when it did not pass (null when it passed). */
  fix: string | null;
}

/** Builds rows for one area. */
export function row(area: CheckArea, id: string, check: string, status: CheckStatus, target: string | null, message: string, fix: string | null = null): CheckRow {
  return { area, id, check, status, target, message, fix: status === 'Passed' ? null : fix };
}
