/**
 * One bound directory connection, as LdapTarget uses it. ldapts' Client is one (simple bind over LDAPS/StartTLS);
 * the Kerberos driver's SdspConnection (System.DirectoryServices.Protocols through edge-js) is the other. The
 * shapes are ldapts' (Entry, Change, Control, SearchOptions with a Filter object), so both speak the same values.
 */
import type { Change, Control, Entry, SearchOptions } from 'ldapts';

export interface SearchPage {
  searchEntries: Entry[];
}

export interface DirectoryConnection {
  readonly isConnected: boolean;
  readonly isBound: boolean;
  search(base: string, options: SearchOptions): Promise<SearchPage>;
  /** A paged search (options.paged.pageSize): one page per step; the connection is busy until it ends. */
  searchPaginated(base: string, options: SearchOptions): AsyncGenerator<SearchPage>;
  add(dn: string, attributes: Record<string, string[]>): Promise<void>;
  modify(dn: string, changes: Change[], controls?: Control): Promise<void>;
  /** `newDn`: the new RDN, a comma, the new superior DN. */
  modifyDN(dn: string, newDn: string): Promise<void>;
  del(dn: string): Promise<void>;
  unbind(): Promise<void>;
}

/**
 * Opens and binds a connection to one directory URL. Throws a DirectoryError: one with a resultCode (the DC
 * answered: bad credentials, strong auth required…) stops failover, any other marks the URL down.
 */
export type Connector = (url: string) => Promise<DirectoryConnection>;
