/**
 * Directory errors: every failure of an LDAP call becomes a DirectoryError carrying the LDAP result code, the DN,
 * the operation and an admin-facing hint, with a PowerShell error category. Codes follow the names Microsoft's
 * provisioning agent reports where one exists (InsufficientAccessRights, ObjectNameAlreadyExists,
 * DuplicateTargetEntries, NoSuchObject, LdapBindOperationFailed…).
 */
import { GwbError, type ErrorCategory, type GwbErrorOptions } from '../core/errors';
import { parentDn } from './dn';

export type DirectoryOperation = 'connect' | 'startTLS' | 'bind' | 'search' | 'add' | 'modify' | 'modifyDN' | 'delete';

export interface DirectoryErrorOptions extends GwbErrorOptions {
  operation: DirectoryOperation;
  /** LDAP result code (e.g. 50), or undefined for network/TLS failures. */
  resultCode?: number;
  /** The entry the operation concerned. */
  dn?: string;
  /** The server's diagnostic text (e.g. `00002071: samldb: samAccountName 'X' already in use!`). */
  serverMessage?: string;
  /** The directory URL the operation went to. */
  url?: string;
}

export class DirectoryError extends GwbError {
  readonly operation: DirectoryOperation;
  readonly resultCode: number | undefined;
  readonly dn: string | undefined;
  readonly serverMessage: string | undefined;
  readonly url: string | undefined;

  constructor(message: string, options: DirectoryErrorOptions) {
    super(message, { target: options.dn ?? options.url, ...options });
    this.operation = options.operation;
    this.resultCode = options.resultCode;
    this.dn = options.dn;
    this.serverMessage = options.serverMessage;
    this.url = options.url;
  }
}

/** Two or more AD objects carry the same anchor: never guess which one is ours. */
export class DuplicateAnchorError extends GwbError {
  readonly anchor: string;
  readonly dns: string[];

  constructor(anchor: string, dns: string[]) {
    super(`${dns.length} directory objects carry the anchor ${anchor}: ${dns.join('; ')}`, {
      code: 'DuplicateTargetEntries',
      category: 'InvalidData',
      target: { anchor, dns },
      hint:
        'Only one AD object may carry a given msDS-ExternalDirectoryObjectId. Delete the stray copy, or clear ' +
        'msDS-ExternalDirectoryObjectId on it, then run the cycle again.',
    });
    this.anchor = anchor;
    this.dns = dns;
  }
}

/** Context for turning a raw ldapts/socket error into a DirectoryError. */
export interface ErrorContext {
  operation: DirectoryOperation;
  dn?: string;
  url?: string;
  /** The bind identity (for hints; never the password). */
  bindDn?: string;
  /** Attribute names involved (for schema hints). */
  attributes?: string[];
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'ECONNABORTED', 'EADDRNOTAVAIL',
]);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED',
  'CERT_REVOKED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

/** ldapts reports a dropped connection with these messages (no code). */
const DROPPED = /^(Socket error|Socket connection not established|Connection closed before message response|Connection timeout)|Operation timed out/i;

/** True when the error means the connection is unusable (reconnect and maybe retry). */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof DirectoryError) return err.category === 'ConnectionError' || err.category === 'OperationTimeout' && err.resultCode === undefined;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return typeof code !== 'number' && DROPPED.test(err.message);
}

/** The LDAP result code of an error, if it is one. */
export function resultCodeOf(err: unknown): number | undefined {
  if (err instanceof DirectoryError) return err.resultCode;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function serverText(err: Error): string {
  return err.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
}

/** AD's `data NNN` sub-code of a bind failure (52e bad password, 775 locked out…). */
const BIND_DATA: Record<string, string> = {
  '525': 'the account does not exist',
  '52e': 'the password is wrong (or the account name)',
  '530': 'logon is not permitted at this time',
  '531': 'logon is not permitted from this workstation',
  '532': 'the password has expired',
  '533': 'the account is disabled',
  '701': 'the account has expired',
  '773': 'the password must be changed before first logon',
  '775': 'the account is locked out',
};

interface Classified {
  code: string;
  category: ErrorCategory;
  hint: string;
}

function classifyResult(rc: number, text: string, ctx: ErrorContext): Classified {
  const who = ctx.bindDn ? `the service account ${ctx.bindDn}` : 'the service account';
  const container = ctx.dn ? safeParent(ctx.dn) || ctx.dn : 'the target container';
  const attrs = ctx.attributes?.length ? ctx.attributes.join(', ') : 'the attribute';
  switch (rc) {
    case 49: {
      const data = /data ([0-9a-f]{3})/i.exec(text)?.[1]?.toLowerCase();
      const why = data && BIND_DATA[data] ? ` (AD says ${BIND_DATA[data]})` : '';
      return {
        code: 'LdapBindOperationFailed',
        category: 'AuthenticationError',
        hint: `The directory rejected the credentials of ${who}${why}. Check the bind DN/UPN and the password secret.`,
      };
    }
    case 7:
    case 8:
    case 13:
      return {
        code: 'StrongAuthRequired',
        category: 'SecurityError',
        hint:
          'The domain controller requires strong authentication (LDAP signing): a simple bind on plain ldap:// (389) is refused. ' +
          'Use ldaps:// (636) or StartTLS on ldap:// (389), or bind with Kerberos, signed and sealed, with no password: ' +
          'directory.auth {"type": "kerberos"} (Set-GroupWritebackConfiguration -DirectoryAuthentication Kerberos).',
      };
    case 50:
      return {
        code: 'InsufficientAccessRights',
        category: 'PermissionDenied',
        hint:
          `Grant ${who} Create/Delete Group objects and Read/Write all properties (incl. member) on ${container} ` +
          '(Active Directory Users and Computers → Delegate Control, applied to "This object and all descendant objects").',
      };
    case 32:
      return {
        code: 'NoSuchObject',
        category: 'ObjectNotFound',
        hint:
          ctx.operation === 'modifyDN'
            ? 'The object, or the container it should move to, does not exist: check the target container in the configuration.'
            : ctx.operation === 'add'
              ? `The parent container ${container} does not exist: create it or fix the target container in the configuration.`
              : 'The object no longer exists (deleted or moved outside the search base); it is looked up again next cycle.',
      };
    case 80:
      return ctx.operation === 'modifyDN'
        ? {
            code: 'NoSuchObject',
            category: 'ObjectNotFound',
            hint: 'The container the group should move to does not exist: create it or fix the target container in the configuration.',
          }
        : { code: 'LdapOther', category: 'NotSpecified', hint: 'The domain controller reported an unspecified error; see its log.' };
    case 68:
      return {
        code: 'ObjectNameAlreadyExists',
        category: 'ResourceExists',
        hint: /samAccountName/i.test(text)
          ? 'Another object already uses this sAMAccountName: change the sAMAccountName mapping or rename the other object.'
          : `Another object with this name exists in ${container}: rename or remove it (the cn mapping appends the object id suffix to stay unique).`,
      };
    case 20:
      return {
        code: 'AttributeOrValueExists',
        category: 'ResourceExists',
        hint: `A value of ${attrs} is already present (or the attribute is single-valued).`,
      };
    case 16:
    case 17:
      return {
        code: 'UndefinedAttributeType',
        category: 'InvalidData',
        hint:
          `The directory does not know ${attrs}: extend the schema (msDS-ExternalDirectoryObjectId needs the Windows ` +
          'Server 2016 schema, adprep /forestprep) or fix the attribute mapping.',
      };
    case 19:
      return {
        code: 'ConstraintViolation',
        category: 'InvalidData',
        hint: `A value of ${attrs} breaks a directory constraint (too long, invalid characters, or several values for a single-valued attribute): fix the mapping.`,
      };
    case 21:
      return {
        code: 'InvalidAttributeSyntax',
        category: 'InvalidData',
        hint: `A value of ${attrs} has the wrong syntax or exceeds the attribute's size limit: fix the mapping.`,
      };
    case 34:
    case 64:
      return {
        code: 'DistinguishedNameBadSyntax',
        category: 'InvalidArgument',
        hint: 'The DN (or a member DN) is malformed: check the target container and the cn mapping.',
      };
    case 65:
      return {
        code: 'ObjectClassViolation',
        category: 'InvalidData',
        hint: `${attrs} is not allowed on this object class: fix the attribute mapping, or extend the schema.`,
      };
    case 53:
      return {
        code: 'UnwillingToPerform',
        category: 'InvalidOperation',
        hint: 'The domain controller refused the change (invalid value, or a restriction on the object).',
      };
    case 67:
      return { code: 'NotAllowedOnRdn', category: 'InvalidOperation', hint: 'The naming attribute (cn/name) changes only through a rename (modify DN).' };
    case 66:
      return { code: 'NotAllowedOnNonLeaf', category: 'InvalidOperation', hint: 'The object has child objects; remove them first.' };
    case 1:
      return /without authentication|bind/i.test(text)
        ? { code: 'LdapBindOperationFailed', category: 'AuthenticationError', hint: 'The connection is not authenticated: check the bind DN and password.' }
        : { code: 'OperationsError', category: 'InvalidOperation', hint: 'The domain controller reported an operations error; see its log.' };
    case 3:
      return { code: 'TimeLimitExceeded', category: 'OperationTimeout', hint: 'The search took too long: narrow the search base.' };
    case 4:
    case 11:
      return { code: 'AdminLimitExceeded', category: 'LimitsExceeded', hint: 'A server limit was hit (MaxPageSize, MaxValRange…): lower the batch size.' };
    case 51:
    case 52:
      return { code: 'DirectoryUnavailable', category: 'ResourceUnavailable', hint: 'The domain controller is busy or unavailable: it is retried next cycle.' };
    case 12:
      return { code: 'UnavailableCriticalExtension', category: 'NotImplemented', hint: 'The directory does not support a required LDAP control.' };
    default:
      return { code: `LdapError${rc}`, category: 'NotSpecified', hint: 'The domain controller reported an error; see its diagnostic text.' };
  }
}

function safeParent(dn: string): string {
  try {
    return parentDn(dn);
  } catch {
    return '';
  }
}

/** Turn anything an LDAP call threw into a DirectoryError (a DirectoryError passes through unchanged). */
export function toDirectoryError(err: unknown, ctx: ErrorContext): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const where = ctx.dn ? ` on ${ctx.dn}` : ctx.url ? ` (${ctx.url})` : '';
  const base = { operation: ctx.operation, dn: ctx.dn, url: ctx.url, cause: err };
  const rc = resultCodeOf(e);
  if (rc !== undefined) {
    const text = serverText(e);
    const c = classifyResult(rc, text, ctx);
    return new DirectoryError(`LDAP ${ctx.operation}${where} failed with result code ${rc}: ${text}`, {
      ...base,
      code: c.code,
      category: c.category,
      hint: c.hint,
      resultCode: rc,
      serverMessage: text,
    });
  }
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && TLS_CODES.has(code)) {
    return new DirectoryError(`TLS to the directory${where} failed: ${e.message}`, {
      ...base,
      code: 'LdapTlsFailed',
      category: 'SecurityError',
      hint:
        "The domain controller's certificate is not trusted: set the directory CA file to the CA that issued it, and " +
        'make sure the certificate names the host used in the URL (subjectAltName).',
    });
  }
  if (isConnectionFailure(e) && /Operation timed out/i.test(e.message)) {
    return new DirectoryError(`LDAP ${ctx.operation}${where} timed out: ${e.message}`, {
      ...base,
      code: 'LdapTimeout',
      category: 'OperationTimeout',
      hint: 'The domain controller did not answer in time; the connection was dropped and the object is retried next cycle.',
    });
  }
  if (isConnectionFailure(e)) {
    return new DirectoryError(`Cannot reach the directory${where}: ${e.message}`, {
      ...base,
      code: 'UnableToFindDomainController',
      category: 'ConnectionError',
      hint: 'Check that the domain controller is up and that TCP 636 (LDAPS) or 389 (LDAP/StartTLS) is reachable from this host.',
    });
  }
  return new DirectoryError(`LDAP ${ctx.operation}${where} failed: ${e.message}`, {
    ...base,
    code: 'LdapError',
    category: 'NotSpecified',
    hint: 'Unexpected directory failure; see the message.',
  });
}

/**
 * Every configured domain controller stopped answering (the pool's circuit breaker gave each up): the cycle
 * stops with this one error instead of failing each remaining object on its own timeout.
 */
export class DirectoryUnavailableError extends DirectoryError {
  /** Marks an error after which going on with the cycle is pointless (the engine stops at once). */
  readonly stopsCycle = true;
  readonly urls: string[];

  constructor(urls: string[], failures: number, last: unknown, timeoutMs: number) {
    const lastText = last instanceof Error ? last.message : last !== undefined ? String(last) : 'no answer';
    const which = urls.length === 1 ? `The domain controller ${urls[0]}` : `None of the domain controllers (${urls.join(', ')})`;
    super(`${which} stopped answering: ${failures} connection failures in a row (timeout ${Math.round(timeoutMs / 1000)} s; last: ${lastText}). The cycle was stopped.`, {
      operation: 'connect',
      url: urls.join(', '),
      code: 'DomainControllerUnavailable',
      category: 'ConnectionError',
      hint:
        'Check that the domain controller is running and answering LDAP (service hung or stopped, host down, firewall). ' +
        (urls.length === 1 ? 'Add a second domain controller to directory.urls for failover. ' : '') +
        'Nothing is lost: the next run picks up where this one stopped.',
      ...(last !== undefined ? { cause: last } : {}),
    });
    this.urls = urls;
  }
}
