/**
 * Graph error responses: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
 * Handlers throw GraphHttpError; the server (and $batch) turns it into the wire shape.
 */
import { GwbError } from '../../../src/core/errors';

export class GraphHttpError extends GwbError {
  readonly status: number;
  readonly graphCode: string;
  readonly headers: Record<string, string>;

  constructor(status: number, graphCode: string, message: string, headers: Record<string, string> = {}) {
    super(message, { code: graphCode, category: categoryOf(status), target: graphCode });
    this.status = status;
    this.graphCode = graphCode;
    this.headers = headers;
  }
}

function categoryOf(status: number) {
  if (status === 401) return 'AuthenticationError' as const;
  if (status === 403) return 'PermissionDenied' as const;
  if (status === 404) return 'ObjectNotFound' as const;
  if (status === 429) return 'LimitsExceeded' as const;
  if (status >= 500) return 'ResourceUnavailable' as const;
  return 'InvalidArgument' as const;
}

export function graphErrorBody(code: string, message: string, requestId: string, clientRequestId: string | undefined) {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

export const badRequest = (message: string) => new GraphHttpError(400, 'Request_BadRequest', message);
export const unsupportedQuery = (message: string) => new GraphHttpError(400, 'Request_UnsupportedQuery', message);
export const notFound = (id: string) => new GraphHttpError(404, 'Request_ResourceNotFound',
  `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
export const forbidden = () => new GraphHttpError(403, 'Authorization_RequestDenied',
  'Insufficient privileges to complete the operation.');
export const unauthenticated = (message = 'Access token is empty.') =>
  new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
      'client_id="00000003-0000-0000-c000-000000000000"',
  });
export const advancedRequired = (operator: string) => unsupportedQuery(
  `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count=true ` +
  'query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information');
export const unsupportedFilterProperty = (prop: string, resource: string) => unsupportedQuery(
  `Unsupported or invalid query filter clause specified for property '${prop}' of resource '${resource}'.`);
