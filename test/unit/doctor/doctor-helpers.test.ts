import { describe, expect, it } from 'vitest';
import { decodeJwtClaims, missingPermissions } from '../../../src/doctor/jwt';
import { extendedResultCode, parseLdapUrl, startTlsRequest } from '../../../src/doctor/net';
import { dnLiterals } from '../../../src/doctor/directory-checks';

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('access token claims', () => {
  it('reads roles, app, tenant and expiry without verifying the signature', () => {
    const token = `${b64url({ alg: 'RS256' })}.${b64url({ roles: ['Group.Read.All'], appid: 'a1', tid: 't1', aud: 'https://graph.microsoft.com', exp: 1_700_000_000 })}.sig`;
    const c = decodeJwtClaims(token)!;
    expect(c.roles).toEqual(['Group.Read.All']);
    expect(c.appId).toBe('a1');
    expect(c.tenantId).toBe('t1');
    expect(c.expiresAt?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  it('returns null for a token that is not a JWT', () => {
    expect(decodeJwtClaims('opaque-token')).toBeNull();
    expect(decodeJwtClaims('a.%%%.c')).toBeNull();
  });

  it('needs Group.Read.All and User.Read.All, or Directory.Read.All; ReadWrite variants count', () => {
    expect(missingPermissions([])).toEqual(['Group.Read.All', 'User.Read.All']);
    expect(missingPermissions(['Group.Read.All'])).toEqual(['User.Read.All']);
    expect(missingPermissions(['group.read.all', 'User.ReadWrite.All'])).toEqual([]);
    expect(missingPermissions(['Directory.Read.All'])).toEqual([]);
    expect(missingPermissions(['GroupMember.Read.All', 'User.Read.All'])).toEqual(['Group.Read.All']);
  });
});

describe('StartTLS on the wire', () => {
  it('encodes the extended request with the StartTLS OID', () => {
    const req = startTlsRequest();
    expect(req[0]).toBe(0x30);
    expect(req.length).toBe(req[1] + 2);
    expect(req.includes(Buffer.from('1.3.6.1.4.1.1466.20037'))).toBe(true);
    expect(req.subarray(2, 5)).toEqual(Buffer.from([0x02, 0x01, 0x01]));
    expect(req[5]).toBe(0x77);
  });

  it('reads the result code of the extended response, or waits for more bytes', () => {
    // LDAPMessage { id 1, ExtendedResponse { resultCode 0, matchedDN "", diagnosticMessage "" } }
    const ok = Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);
    expect(extendedResultCode(ok)).toBe(0);
    const refused = Buffer.from(ok);
    refused[9] = 0x02; // protocolError
    expect(extendedResultCode(refused)).toBe(2);
    expect(extendedResultCode(ok.subarray(0, 6))).toBeUndefined();
    expect(extendedResultCode(Buffer.from('HTTP/1.1 400'))).toBe(-1);
  });

  it('knows the default ports', () => {
    expect(parseLdapUrl('ldaps://dc1.contoso.com')).toMatchObject({ host: 'dc1.contoso.com', port: 636, secure: true });
    expect(parseLdapUrl('ldap://127.0.0.2')).toMatchObject({ host: '127.0.0.2', port: 389, secure: false });
    expect(parseLdapUrl('ldap://dc2:3890')).toMatchObject({ port: 3890 });
  });
});

describe('OUs named by the mappings', () => {
  it('finds DN literals inside the domain in mapping rules (e.g. a Switch on parentDistinguishedName)', () => {
    const mappings = [
      { target: 'parentDistinguishedName', type: 'Expression', source: 'Switch([displayName],"OU=Default,OU=Groups,DC=contoso,DC=com","Sales","OU=Sales,OU=Groups,DC=contoso,DC=com")' },
      { target: 'description', type: 'Constant', source: 'OU=Elsewhere,DC=fabrikam,DC=com' },
    ];
    expect(dnLiterals(mappings, 'DC=contoso,DC=com').sort()).toEqual(['OU=Default,OU=Groups,DC=contoso,DC=com', 'OU=Sales,OU=Groups,DC=contoso,DC=com']);
    expect(dnLiterals([], 'DC=contoso,DC=com')).toEqual([]);
  });
});
