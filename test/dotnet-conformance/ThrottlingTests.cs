// 429 TooManyRequests with Retry-After (the emulator's fault injection): the SDK's RetryHandler must wait at least
// Retry-After and retry (Retry-Attempt header), and every listing must still complete.
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Xunit;

namespace GraphConformance;

public class ThrottlingTests
{
    readonly GraphServiceClient graph = Lab.Graph();

    [Fact]
    public async Task RetryHandler_honours_Retry_After_on_injected_429s()
    {
        await Lab.Control(HttpMethod.Put, "/faults", new { throttlePercent = 35, retryAfterSeconds = 1, seed = 14, pathPattern = "^/users$" });
        await Lab.Control(HttpMethod.Delete, "/faults/counters");
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var users = new List<User>();
                var first = await graph.Users.GetAsync(rc => { rc.QueryParameters.Top = 4; rc.QueryParameters.Select = ["id"]; });
                await PageIterator<User, UserCollectionResponse>.CreatePageIterator(graph, first!, u => { users.Add(u); return true; }).IterateAsync();
                Assert.True(users.Count >= Lab.SeedUsers);
            }
            var c = (await Lab.Control(HttpMethod.Get, "/faults"))["counters"]!;
            var injected = c["injected429"]!.GetValue<int>();
            Assert.True(injected > 0, "no 429 was injected");
            Assert.Equal(injected, c["retryAttempts"]!.GetValue<int>());
            Assert.Equal(injected, c["retryAfterHonoured"]!.GetValue<int>());
            Assert.Equal(0, c["retryAfterViolated"]!.GetValue<int>());
            Assert.All(c["retryWaitsMs"]!.AsArray(), w => Assert.True(w!.GetValue<double>() >= 950, $"waited {w} ms"));
        }
        finally
        {
            await Lab.Control(HttpMethod.Delete, "/faults");
        }
    }
}
