/**
 * The REAL Graph client + @azure/identity credential wired to an emulator exactly as contract §9/§10 says
 * (authorityHost + disableInstanceDiscovery; baseUrl + customHosts without port). For tests and demos.
 * The process must have been started with NODE_EXTRA_CA_CERTS=<emulator.caFile>.
 */
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface EmulatorEndpoint {
  baseUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export function secretCredential(em: EmulatorEndpoint, override: { clientId?: string; clientSecret?: string } = {}): ClientSecretCredential {
  return new ClientSecretCredential(em.tenantId, override.clientId ?? em.clientId, override.clientSecret ?? em.clientSecret, {
    authorityHost: em.authorityHost,
    disableInstanceDiscovery: true,
  });
}

/** `certificatePath`: a PEM file holding the private key and the certificate. */
export function certificateCredential(em: EmulatorEndpoint, clientId: string, certificatePath: string): ClientCertificateCredential {
  return new ClientCertificateCredential(em.tenantId, clientId, { certificatePath }, {
    authorityHost: em.authorityHost,
    disableInstanceDiscovery: true,
  });
}

export function graphClient(em: { baseUrl: string }, credential: TokenCredential): Client {
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] }),
    baseUrl: em.baseUrl,
    customHosts: new Set([new URL(em.baseUrl).hostname]),
  });
}
