/**
 * The NDJSON protocol between the PowerShell module (client) and the core (`gwb rpc`). One JSON object per
 * line, UTF-8, in both directions. Documented for humans in docs/protocol.md; this file is the typed truth.
 *
 * client → core:  RequestMessage | CancelMessage
 * core → client:  HelloMessage once at start; then, per request, any number of CoreEvents tagged with the
 *                 request id, closed by exactly one ExitMessage.
 */
import type { CoreEvent } from '../core/events';

export interface RequestMessage {
  type: 'request';
  id: string;
  op: string;
  params?: Record<string, unknown>;
  /** Secrets travel here (stdin), never in argv or the environment of child processes. */
  secrets?: Record<string, string>;
}

export interface CancelMessage {
  type: 'cancel';
  id: string;
}

export type ClientMessage = RequestMessage | CancelMessage;

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  core: string;
  node: string;
  pid: number;
}

export interface ExitMessage {
  type: 'exit';
  id: string;
  /** See ExitCode in core/operation.ts. */
  code: number;
}

export type TaggedEvent = CoreEvent & { id: string };

export type CoreMessage = HelloMessage | TaggedEvent | ExitMessage;
