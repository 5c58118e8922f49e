/**
 * Where to log in and where Graph lives, per national cloud, and what the SDKs need to be told about it.
 */
import { ConfigError } from '../core/errors';
import type { GraphConnection, NationalCloud } from './options';

interface CloudEndpoints {
  authorityHost: string;
  graphBaseUrl: string;
}

export const NATIONAL_CLOUDS: Readonly<Record<NationalCloud, CloudEndpoints>> = {
  Public: { authorityHost: 'https://login.microsoftonline.com', graphBaseUrl: 'https://graph.microsoft.com' },
  USGov: { authorityHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://graph.microsoft.us' },
  USGovDoD: { authorityHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://dod-graph.microsoft.us' },
  China: { authorityHost: 'https://login.chinacloudapi.cn', graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn' },
};

/** Login hosts msal knows (instance discovery works against them). Any other host needs discovery disabled. */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
]);

/** Graph hosts the graph client knows (it only sends the bearer token to these, or to customHosts). */
export const NATIONAL_GRAPH_HOSTS: ReadonlySet<string> = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'graph.microsoft.de',
  'microsoftgraph.chinacloudapi.cn',
  'canary.graph.microsoft.com',
]);

export interface ResolvedEndpoints {
  cloud: NationalCloud;
  /** `https://host[:port]`, no trailing slash. */
  authorityHost: string;
  /** True when the login host is not one of Microsoft's (msal would call the public discovery endpoint). */
  disableInstanceDiscovery: boolean;
  /** `https://host[:port]`, no trailing slash; the client appends `/v1.0/...`. */
  graphBaseUrl: string;
  /** Token scope: `<Graph resource>/.default`. */
  graphScope: string;
  /** Host names (no port) the graph client must treat as Graph, when the base URL is not a national Graph host. */
  customHosts: Set<string> | undefined;
}

const CLOUDS = Object.keys(NATIONAL_CLOUDS) as NationalCloud[];

function httpsOrigin(value: string, key: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${key} is not a URL: '${value}'.`, { target: key, hint: 'Use https://host[:port].' });
  }
  if (url.protocol !== 'https:') {
    throw new ConfigError(`${key} must use https (the identity and Graph SDKs refuse anything else): '${value}'.`, {
      target: key,
      hint: 'Use https://host[:port]; for a lab, serve TLS with a test CA and set tenant.caFile.',
    });
  }
  if (url.pathname !== '/' && url.pathname !== '' || url.search || url.hash) {
    throw new ConfigError(`${key} must be an origin without a path: '${value}'.`, {
      target: key,
      hint: `Use '${url.origin}'.`,
    });
  }
  return url;
}

export function resolveEndpoints(conn: Pick<GraphConnection, 'cloud' | 'authorityHost' | 'graphBaseUrl'>): ResolvedEndpoints {
  const cloud = conn.cloud ?? 'Public';
  const defaults = NATIONAL_CLOUDS[cloud];
  if (!defaults) {
    throw new ConfigError(`Unknown cloud '${String(cloud)}'.`, { target: 'tenant.cloud', hint: `Use one of ${CLOUDS.join(', ')}.` });
  }
  const authority = httpsOrigin(conn.authorityHost ?? defaults.authorityHost, 'tenant.authorityHost');
  const graph = httpsOrigin(conn.graphBaseUrl ?? defaults.graphBaseUrl, 'tenant.graphBaseUrl');
  const graphHost = graph.hostname.toLowerCase();
  if (graphHost.startsWith('[')) {
    // graph-client finds the host by the first ':' of the URL, so an IPv6 literal never matches and no token is sent.
    throw new ConfigError(`tenant.graphBaseUrl cannot be an IPv6 literal: '${graph.origin}'.`, {
      target: 'tenant.graphBaseUrl',
      hint: 'Use a host name or an IPv4 address.',
    });
  }
  const nationalGraph = NATIONAL_GRAPH_HOSTS.has(graphHost);
  // The token audience: the Graph host itself for a national host, else (an emulator, a proxy) the cloud's Graph.
  const resource = nationalGraph ? graph.origin : defaults.graphBaseUrl;
  return {
    cloud,
    authorityHost: authority.origin,
    disableInstanceDiscovery: !MICROSOFT_AUTHORITY_HOSTS.has(authority.hostname.toLowerCase()),
    graphBaseUrl: graph.origin,
    graphScope: `${resource}/.default`,
    // graph-client compares host names only: the port must not be part of the entry.
    customHosts: nationalGraph ? undefined : new Set([graphHost]),
  };
}
