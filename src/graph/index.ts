/**
 * graph/: the Source over Microsoft Graph. The only place that imports @microsoft/microsoft-graph-client and
 * @azure/identity.
 */
import type { EventSink } from '../core/events';
import { createGraphClient } from './client';
import { GraphSource } from './graph-source';
import type { GraphSourceOptions } from './graph-source';
import type { GraphClientTuning, GraphConnection } from './options';

export interface CreateGraphSourceOptions extends GraphSourceOptions, GraphClientTuning {
  events?: EventSink;
}

/** Build the Source for a connection: credential → client → GraphSource. Throws ConfigError on a bad connection. */
export function createGraphSource(conn: GraphConnection, options: CreateGraphSourceOptions = {}): GraphSource {
  const { extraGroupProperties, extraUserProperties, pageSize, bulkConcurrency, ...tuning } = options;
  const http = createGraphClient(conn, tuning);
  return new GraphSource(http, {
    ...(extraGroupProperties ? { extraGroupProperties } : {}),
    ...(extraUserProperties ? { extraUserProperties } : {}),
    ...(pageSize !== undefined ? { pageSize } : {}),
    ...(bulkConcurrency !== undefined ? { bulkConcurrency } : {}),
  });
}

export { createGraphClient } from './client';
export type { GraphClientHandle, CreateGraphClientOptions } from './client';
export { createCredential } from './credential';
export { resolveEndpoints, NATIONAL_CLOUDS } from './endpoints';
export type { ResolvedEndpoints } from './endpoints';
export * from './errors';
export { GraphSource, GET_BY_IDS_MAX } from './graph-source';
export type { GraphSourceOptions } from './graph-source';
export { mapGraphError } from './map-error';
export type { GraphAuth, GraphConnection, GraphClientTuning, NationalCloud } from './options';
export type { RequestCounts } from './request-counters';
