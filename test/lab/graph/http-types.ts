/** Request/response shapes shared by the HTTPS server, the Graph routes and `$batch` (which dispatches in-process). */
import type { ODataQuery } from './odata/query';

export interface AuthContext {
  appId: string;
  tenantId: string;
  roles: Set<string>;
}

export interface GraphRequest {
  method: string;
  /** Path after the version segment, e.g. `/groups/{id}/members`. */
  path: string;
  version: string;
  query: ODataQuery;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  auth: AuthContext;
  requestId: string;
  clientRequestId?: string;
  /** `https://host:port`, for absolute links. */
  origin: string;
  inBatch: boolean;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (serialised with Content-Type application/json). */
  body?: unknown;
  /** Plain-text body (e.g. `/$count`). */
  text?: string;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): GraphResponse =>
  ({ status, body, ...(headers ? { headers } : {}) });
export const noContent = (): GraphResponse => ({ status: 204 });
