// Connection to the lab's Graph emulator, as build/dotnet-conformance.mjs hands it over (environment variables),
// and Microsoft's own clients wired to it the documented way: Azure.Identity credentials with a custom
// AuthorityHost (instance discovery off) and a GraphServiceClient built from GraphClientFactory's handler chain
// (retry, redirect, compression…) with the emulator as base URL. TLS: only the lab CA is added as a trust anchor,
// per handler — certificate validation stays on, nothing is disabled globally.
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Authentication.Azure;

[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace GraphConformance;

public static class Lab
{
    public static string Env(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? v
            : throw new InvalidOperationException($"{name} is not set: run this suite through `node build/dotnet-conformance.mjs` (npm test does).");

    public static string BaseUrl => Env("GWB_EMU_BASE_URL");
    public static string GraphUrl => $"{BaseUrl}/v1.0";
    public static string TenantId => Env("GWB_EMU_TENANT_ID");
    public static string ClientId => Env("GWB_EMU_CLIENT_ID");
    public static int SeedGroups => int.Parse(Env("GWB_EMU_SEED_GROUPS"));
    public static int SeedUsers => int.Parse(Env("GWB_EMU_SEED_USERS"));
    public static readonly string[] Scopes = ["https://graph.microsoft.com/.default"];

    static readonly Lazy<X509Certificate2> LabCa = new(() => X509CertificateLoader.LoadCertificateFromFile(Env("GWB_EMU_CA_FILE")));

    /// <summary>An HttpClientHandler that trusts the lab CA (in addition to nothing else: a custom root trust).</summary>
    public static HttpClientHandler TrustingLabCa() => new()
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            // Only an untrusted chain may be rescued by the lab CA; a wrong host name or no certificate never is.
            if (cert is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(LabCa.Value);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(cert);
        },
    };

    static T WithLab<T>(T options) where T : TokenCredentialOptions
    {
        options.AuthorityHost = new Uri(Env("GWB_EMU_AUTHORITY"));
        options.Transport = new HttpClientTransport(TrustingLabCa());
        return options;
    }

    public static ClientSecretCredential SecretCredential(string? secret = null) =>
        new(TenantId, ClientId, secret ?? Env("GWB_EMU_CLIENT_SECRET"), WithLab(new ClientSecretCredentialOptions { DisableInstanceDiscovery = true }));

    public static ClientCertificateCredential CertificateCredential() =>
        new(TenantId, Env("GWB_EMU_CERT_CLIENT_ID"),
            X509Certificate2.CreateFromPemFile(Env("GWB_EMU_CERT_FILE"), Env("GWB_EMU_KEY_FILE")),
            WithLab(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = true }));

    public static GraphServiceClient Graph(TokenCredential? credential = null)
    {
        var http = GraphClientFactory.Create(finalHandler: TrustingLabCa());
        var auth = new AzureIdentityAuthenticationProvider(credential ?? SecretCredential(),
            allowedHosts: [new Uri(BaseUrl).Host], scopes: Scopes);
        return new GraphServiceClient(http, auth, GraphUrl);
    }

    static readonly HttpClient ControlHttp = new(TrustingLabCa());

    /// <summary>The emulator's control API (faults, counters) — outside the Graph namespace, no auth, loopback.</summary>
    public static async Task<JsonNode> Control(HttpMethod method, string path, object? body = null)
    {
        using var req = new HttpRequestMessage(method, $"{Env("GWB_EMU_CONTROL_URL")}{path}");
        if (body is not null) req.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var res = await ControlHttp.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        if (!res.IsSuccessStatusCode) throw new InvalidOperationException($"control {method} {path}: {(int)res.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A property Kiota kept in AdditionalData (members@delta, @removed…) as plain JSON.</summary>
    public static JsonNode? Additional(IDictionary<string, object>? data, string key)
    {
        if (data is null || !data.TryGetValue(key, out var value) || value is null) return null;
        return value is UntypedNode node
            ? JsonNode.Parse(KiotaJsonSerializer.SerializeAsStringAsync(node).GetAwaiter().GetResult())
            : JsonSerializer.SerializeToNode(value);
    }

    public static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
