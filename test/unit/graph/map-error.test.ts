import { AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/core/errors';
import { CapturedError } from '../../../src/graph/captured-error';
import {
  AuthError, ConnectionError, DeltaExpiredError, GraphRequestError, NotFoundError, PermissionError, ThrottledError,
} from '../../../src/graph/errors';
import { mapGraphError } from '../../../src/graph/map-error';
import type { ErrorContext } from '../../../src/graph/map-error';

const ctx: ErrorContext = {
  tenantId: 'tenant-1', clientId: 'app-1', authorityHost: 'https://login.example', graphBaseUrl: 'https://graph.example',
  operation: 'GET /groups',
};

function graphError(status: number, code: string, message = 'msg', headers?: Record<string, string>): GraphError {
  const e = new GraphError(status, message);
  e.code = code;
  e.requestId = 'req-1';
  if (headers) e.headers = new Headers(headers);
  return e;
}

describe('mapGraphError: Graph answers', () => {
  it('403 → PermissionError with the permissions to grant', () => {
    const e = mapGraphError(graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), ctx);
    expect(e).toBeInstanceOf(PermissionError);
    expect(e.category).toBe('PermissionDenied');
    expect(e.hint).toBe('grant Group.Read.All and User.Read.All (or Directory.Read.All) application permissions and admin consent');
    expect((e as PermissionError).requestId).toBe('req-1');
    expect(e.message).toContain('app-1');
  });

  it('404 → NotFoundError carrying the target', () => {
    const e = mapGraphError(graphError(404, 'Request_ResourceNotFound'), { ...ctx, target: 'group-9' });
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.target).toBe('group-9');
    expect(e.category).toBe('ObjectNotFound');
  });

  it.each([
    [410, 'resyncRequired'],
    [410, 'whatever'],
    [400, 'syncStateNotFound'],
    [400, 'SyncStateInvalid'],
  ])('%i %s → DeltaExpiredError', (status, code) => {
    expect(mapGraphError(graphError(status, code), ctx)).toBeInstanceOf(DeltaExpiredError);
  });

  it('429 after the retries → ThrottledError with the Retry-After', () => {
    const e = mapGraphError(graphError(429, 'TooManyRequests', 'Please retry again later.', { 'Retry-After': '7' }), ctx);
    expect(e).toBeInstanceOf(ThrottledError);
    expect((e as ThrottledError).retryAfterSeconds).toBe(7);
    expect(e.category).toBe('LimitsExceeded');
  });

  it('401 → AuthError', () => {
    expect(mapGraphError(graphError(401, 'InvalidAuthenticationToken'), ctx)).toBeInstanceOf(AuthError);
  });

  it('400 and 503 → GraphRequestError with the status', () => {
    const bad = mapGraphError(graphError(400, 'Request_BadRequest', "Could not find a property named 'x'"), ctx);
    expect(bad).toBeInstanceOf(GraphRequestError);
    expect((bad as GraphRequestError).statusCode).toBe(400);
    expect(bad.message).toContain("Could not find a property named 'x'");
    const down = mapGraphError(graphError(503, 'serviceNotAvailable'), ctx);
    expect(down.category).toBe('ResourceUnavailable');
  });
});

describe('mapGraphError: thrown inside the client', () => {
  const captured = (err: unknown) => new CapturedError(err, 'GET', 'https://graph.example/v1.0/groups');

  it('a refused connection → ConnectionError naming the host', () => {
    const sock = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const e = mapGraphError(captured(sock), ctx);
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.category).toBe('ConnectionError');
    expect(e.target).toBe('https://graph.example');
  });

  it('an untrusted certificate → ConnectionError in SecurityError with the CA hint', () => {
    const tls = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const e = mapGraphError(captured(tls), ctx);
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.category).toBe('SecurityError');
    expect(e.hint).toMatch(/tenant\.caFile/);
  });

  it('an abort → CancelledError', () => {
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
    expect(mapGraphError(captured(abort), ctx)).toBeInstanceOf(CancelledError);
  });

  it('a bad client secret → AuthError with the exact fix', () => {
    const err = new AuthenticationError(401, {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      error_codes: [7000215],
    });
    const e = mapGraphError(captured(err), ctx);
    expect(e).toBeInstanceOf(AuthError);
    expect(e.category).toBe('AuthenticationError');
    expect(e.message).toMatch(/^client secret rejected for app app-1 in tenant tenant-1: create a new secret/);
    expect((e as AuthError).graphCode).toBe('invalid_client');
  });

  it('an unknown app → AuthError naming app and tenant', () => {
    const err = new Error('invalid_client: AADSTS700016: Application with identifier app-1 was not found in the directory');
    err.name = 'AuthenticationRequiredError';
    const e = mapGraphError(captured(err), ctx);
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toBe('application app-1 was not found in tenant tenant-1.');
  });

  it('an unreachable login endpoint → ConnectionError naming the authority', () => {
    const err = new CredentialUnavailableError('endpoints_resolution_error: Error: could not resolve endpoints. connect ECONNREFUSED 127.0.0.1:9');
    const e = mapGraphError(captured(err), ctx);
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.target).toBe('https://login.example');
  });

  it('managed identity unavailable → AuthError with the managed identity hint', () => {
    const err = new CredentialUnavailableError('ManagedIdentityCredential: Authentication failed. No managed identity endpoint found.');
    const e = mapGraphError(captured(err), { ...ctx, managedIdentity: true });
    expect(e).toBeInstanceOf(AuthError);
    expect(e.hint).toMatch(/managed identity/);
  });
});
