import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, InsufficientAccessError, InvalidCredentialsError, NoSuchObjectError, UnknownStatusCodeError, UnwillingToPerformError, NoSuchAttributeError, UndefinedTypeError, ConstraintViolationError, InvalidSyntaxError, StrongAuthRequiredError } from 'ldapts';
import { GwbError, serializeError } from '../../../src/core/errors';
import { DirectoryError, DuplicateAnchorError, isConnectionFailure, toDirectoryError } from '../../../src/directory/errors';

const DN = 'CN=Sales_e9305786a271,OU=Groups,DC=lab,DC=example,DC=com';
const SVC = 'CN=svc-gwb,OU=Service,DC=lab,DC=example,DC=com';

describe('toDirectoryError', () => {
  it('maps 49 to an authentication error naming the AD sub-code', () => {
    const e = toDirectoryError(
      new InvalidCredentialsError('80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1'),
      { operation: 'bind', url: 'ldaps://127.0.0.2', bindDn: SVC },
    );
    expect(e).toBeInstanceOf(DirectoryError);
    expect(e).toBeInstanceOf(GwbError);
    expect(e).toMatchObject({ resultCode: 49, code: 'LdapBindOperationFailed', category: 'AuthenticationError', operation: 'bind' });
    expect(e.hint).toContain('password is wrong');
    expect(e.hint).toContain(SVC);
    expect(e.serverMessage).toMatch(/^80090308/);
  });

  it('maps 50 to PermissionDenied with a delegation hint naming the container', () => {
    const e = toDirectoryError(new InsufficientAccessError('00002098: access denied'), { operation: 'add', dn: DN, bindDn: SVC });
    expect(e).toMatchObject({ resultCode: 50, code: 'InsufficientAccessRights', category: 'PermissionDenied', dn: DN, target: DN });
    expect(e.hint).toContain(`Grant the service account ${SVC}`);
    expect(e.hint).toContain('OU=Groups,DC=lab,DC=example,DC=com');
  });

  it.each([
    [new NoSuchObjectError('x'), 'modify', 'NoSuchObject', 'ObjectNotFound'],
    [new AlreadyExistsError('Entry exists'), 'add', 'ObjectNameAlreadyExists', 'ResourceExists'],
    [new ConstraintViolationError('too long'), 'add', 'ConstraintViolation', 'InvalidData'],
    [new InvalidSyntaxError('bad'), 'modify', 'InvalidAttributeSyntax', 'InvalidData'],
    [new NoSuchAttributeError('not in schema'), 'add', 'UndefinedAttributeType', 'InvalidData'],
    [new UndefinedTypeError('not in schema'), 'modify', 'UndefinedAttributeType', 'InvalidData'],
    [new UnwillingToPerformError('no'), 'modify', 'UnwillingToPerform', 'InvalidOperation'],
    [new StrongAuthRequiredError('Transport encryption required.'), 'bind', 'StrongAuthRequired', 'SecurityError'],
    [new UnknownStatusCodeError(80, '00002095: objectclass: Cannot rename'), 'modifyDN', 'NoSuchObject', 'ObjectNotFound'],
  ] as const)('%s on %s → %s / %s', (err, operation, code, category) => {
    const e = toDirectoryError(err, { operation, dn: DN, attributes: ['msDS-ExternalDirectoryObjectId'] });
    expect(e.code).toBe(code);
    expect(e.category).toBe(category);
    expect(e.resultCode).toBe(err.code);
    expect(e.message).toContain(DN);
  });

  it('gives schema and sAMAccountName hints', () => {
    expect(toDirectoryError(new NoSuchAttributeError('x'), { operation: 'add', dn: DN, attributes: ['msDS-ExternalDirectoryObjectId'] }).hint).toMatch(/extend the schema/);
    expect(toDirectoryError(new AlreadyExistsError("00002071: samldb: samAccountName 'X' already in use!"), { operation: 'add', dn: DN }).hint).toMatch(/sAMAccountName/);
  });

  it('maps network and TLS failures', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.9:636'), { code: 'ECONNREFUSED' });
    const e = toDirectoryError(refused, { operation: 'connect', url: 'ldaps://127.0.0.9' });
    expect(e).toMatchObject({ category: 'ConnectionError', code: 'UnableToFindDomainController', resultCode: undefined });
    expect(isConnectionFailure(refused)).toBe(true);
    expect(isConnectionFailure(e)).toBe(true);
    expect(isConnectionFailure(new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'))).toBe(true);
    expect(isConnectionFailure(new Error('Connection timeout'))).toBe(true);
    expect(isConnectionFailure(new NoSuchObjectError('x'))).toBe(false);
    const timeout = toDirectoryError(new Error('ModifyRequest: Operation timed out'), { operation: 'modify', dn: DN });
    expect(timeout.category).toBe('OperationTimeout');
    const tls = toDirectoryError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), { operation: 'connect', url: 'ldaps://x' });
    expect(tls).toMatchObject({ category: 'SecurityError', code: 'LdapTlsFailed' });
    expect(tls.hint).toMatch(/CA/);
  });

  it('serializes without the cause or secrets', () => {
    const e = toDirectoryError(new InsufficientAccessError('denied'), { operation: 'modify', dn: DN, bindDn: SVC });
    const s = serializeError(e);
    expect(s).toMatchObject({ name: 'DirectoryError', code: 'InsufficientAccessRights', category: 'PermissionDenied', target: DN });
    expect(JSON.stringify(s)).not.toContain('cause');
  });
});

describe('DuplicateAnchorError', () => {
  it('is DuplicateTargetEntries and lists the objects', () => {
    const e = new DuplicateAnchorError('Group_1', ['CN=a,DC=x', 'CN=b,DC=x']);
    expect(e).toMatchObject({ code: 'DuplicateTargetEntries', category: 'InvalidData', anchor: 'Group_1', dns: ['CN=a,DC=x', 'CN=b,DC=x'] });
    expect(e.message).toContain('CN=b,DC=x');
  });
});
