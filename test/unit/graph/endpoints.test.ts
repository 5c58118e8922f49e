import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors';
import { resolveEndpoints } from '../../../src/graph/endpoints';

describe('resolveEndpoints', () => {
  it.each([
    ['Public', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['USGov', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'],
    ['USGovDoD', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'],
    ['China', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
  ] as const)('%s: Microsoft hosts, discovery on, no custom hosts, scope of its Graph', (cloud, login, graph) => {
    const e = resolveEndpoints({ cloud });
    expect(e).toEqual({
      cloud,
      authorityHost: login,
      disableInstanceDiscovery: false,
      graphBaseUrl: graph,
      graphScope: `${graph}/.default`,
      customHosts: undefined,
    });
  });

  it('defaults to the public cloud', () => {
    expect(resolveEndpoints({}).graphBaseUrl).toBe('https://graph.microsoft.com');
  });

  it('the lab: instance discovery off, the host (without port) as custom host, the public Graph scope', () => {
    const e = resolveEndpoints({ authorityHost: 'https://127.0.0.1:9443/', graphBaseUrl: 'https://127.0.0.1:9443' });
    expect(e.authorityHost).toBe('https://127.0.0.1:9443');
    expect(e.disableInstanceDiscovery).toBe(true);
    expect(e.graphBaseUrl).toBe('https://127.0.0.1:9443');
    expect([...e.customHosts!]).toEqual(['127.0.0.1']);
    expect(e.graphScope).toBe('https://graph.microsoft.com/.default');
  });

  it('a national cloud behind an emulated Graph keeps the cloud scope', () => {
    expect(resolveEndpoints({ cloud: 'China', graphBaseUrl: 'https://localhost:8443' }).graphScope).toBe(
      'https://microsoftgraph.chinacloudapi.cn/.default',
    );
  });

  it.each([
    [{ authorityHost: 'http://127.0.0.1:9443' }, 'tenant.authorityHost', /https/],
    [{ graphBaseUrl: 'http://127.0.0.1:9443' }, 'tenant.graphBaseUrl', /https/],
    [{ graphBaseUrl: 'https://graph.microsoft.com/v1.0' }, 'tenant.graphBaseUrl', /without a path/],
    [{ graphBaseUrl: 'https://[::1]:8443' }, 'tenant.graphBaseUrl', /IPv6/],
    [{ authorityHost: 'not a url' }, 'tenant.authorityHost', /not a URL/],
    [{ cloud: 'Mars' as never }, 'tenant.cloud', /Unknown cloud/],
  ])('refuses %j naming the key', (conn, key, message) => {
    let err: unknown;
    try {
      resolveEndpoints(conn);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).target).toBe(key);
    expect((err as ConfigError).message).toMatch(message);
  });
});
