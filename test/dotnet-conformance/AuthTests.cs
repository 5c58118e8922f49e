// Sign-in through Azure.Identity (MSAL.NET underneath) against the emulator's token endpoint.
using Azure.Core;
using Azure.Identity;
using Xunit;

namespace GraphConformance;

public class AuthTests
{
    [Fact]
    public async Task ClientSecretCredential_gets_a_token_that_Graph_accepts()
    {
        var token = await Lab.SecretCredential().GetTokenAsync(new TokenRequestContext(Lab.Scopes), default);
        Assert.False(string.IsNullOrEmpty(token.Token));
        Assert.True(token.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(30));
        var page = await Lab.Graph().Groups.GetAsync(rc => rc.QueryParameters.Top = 1);
        Assert.Single(page!.Value!);
    }

    [Fact]
    public async Task ClientCertificateCredential_signs_in_with_MSAL_NETs_client_assertion()
    {
        // MSAL.NET writes the assertion's nbf/exp as JSON strings; Entra (and so the emulator) accepts them.
        var graph = Lab.Graph(Lab.CertificateCredential());
        var page = await graph.Groups.GetAsync(rc => { rc.QueryParameters.Top = 2; rc.QueryParameters.Select = ["id"]; });
        Assert.Equal(2, page!.Value!.Count);
    }

    [Fact]
    public async Task A_wrong_client_secret_fails_with_AADSTS7000215()
    {
        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(async () =>
            await Lab.SecretCredential("not-the-secret").GetTokenAsync(new TokenRequestContext(Lab.Scopes), default));
        Assert.Contains("AADSTS7000215", ex.ToString());
    }

    [Fact]
    public async Task Tls_validation_stays_on_outside_the_lab_handler()
    {
        using var plain = new HttpClient();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync($"{Lab.GraphUrl}/groups"));
        Assert.IsType<System.Security.Authentication.AuthenticationException>(ex.InnerException);
    }
}
