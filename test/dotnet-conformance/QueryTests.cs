// Listing: PageIterator over @odata.nextLink, $count and advanced queries (ConsistencyLevel: eventual), errors.
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Xunit;

namespace GraphConformance;

public class QueryTests
{
    readonly GraphServiceClient graph = Lab.Graph();

    [Fact]
    public async Task PageIterator_walks_every_page_of_groups_and_users()
    {
        var first = await graph.Groups.GetAsync(rc => { rc.QueryParameters.Top = 5; rc.QueryParameters.Select = ["id", "displayName"]; });
        Assert.NotNull(first!.OdataNextLink);
        var groups = new List<Group>();
        var pages = 1;
        var iterator = PageIterator<Group, GroupCollectionResponse>.CreatePageIterator(graph, first, g => { groups.Add(g); return true; },
            req => { pages++; return req; });
        await iterator.IterateAsync();
        Assert.Equal(PagingState.Complete, iterator.State);
        var seeded = groups.Where(g => g.DisplayName!.StartsWith("Conformance ")).ToList();
        Assert.Equal(Lab.SeedGroups, seeded.Count);
        Assert.Equal(groups.Count, groups.Select(g => g.Id).Distinct().Count());
        Assert.True(pages >= (Lab.SeedGroups + 4) / 5, $"{pages} pages");

        var users = new List<User>();
        var firstUsers = await graph.Users.GetAsync(rc => { rc.QueryParameters.Top = 4; rc.QueryParameters.Select = ["id", "userPrincipalName"]; });
        await PageIterator<User, UserCollectionResponse>.CreatePageIterator(graph, firstUsers!, u => { users.Add(u); return true; }).IterateAsync();
        Assert.Equal(Lab.SeedUsers, users.Count(u => u.UserPrincipalName!.StartsWith("conf.user")));
    }

    [Fact]
    public async Task PageIterator_can_pause_and_resume()
    {
        var first = await graph.Groups.GetAsync(rc => { rc.QueryParameters.Top = 3; rc.QueryParameters.Select = ["id"]; });
        var seen = 0;
        var iterator = PageIterator<Group, GroupCollectionResponse>.CreatePageIterator(graph, first!, _ => ++seen % 4 != 0);
        await iterator.IterateAsync();
        Assert.Equal(PagingState.Paused, iterator.State);
        Assert.Equal(4, seen);
        while (iterator.State != PagingState.Complete) await iterator.ResumeAsync();
        Assert.True(seen >= Lab.SeedGroups);
    }

    [Fact]
    public async Task Count_and_advanced_queries_need_ConsistencyLevel_eventual()
    {
        var count = await graph.Groups.Count.GetAsync(rc => rc.Headers.Add("ConsistencyLevel", "eventual"));
        Assert.True(count >= Lab.SeedGroups);

        var sorted = await graph.Groups.GetAsync(rc =>
        {
            rc.QueryParameters.Count = true;
            rc.QueryParameters.Filter = "startsWith(displayName,'Conformance Group')";
            rc.QueryParameters.Orderby = ["displayName desc"];
            rc.QueryParameters.Select = ["id", "displayName"];
            rc.Headers.Add("ConsistencyLevel", "eventual");
        });
        Assert.Equal(Lab.SeedGroups - 1, sorted!.OdataCount);
        Assert.Equal($"Conformance Group {Lab.SeedGroups - 2:00}", sorted.Value![0].DisplayName);

        var found = await graph.Groups.GetAsync(rc =>
        {
            rc.QueryParameters.Search = "\"displayName:Nested\"";
            rc.QueryParameters.Select = ["displayName"];
            rc.Headers.Add("ConsistencyLevel", "eventual");
        });
        Assert.Equal(["Conformance Nested"], found!.Value!.Select(g => g.DisplayName));

        var users = await graph.Users.GetAsync(rc =>
        {
            rc.QueryParameters.Count = true;
            rc.QueryParameters.Filter = "department eq 'Sales' and startsWith(userPrincipalName,'conf.user')";
            rc.Headers.Add("ConsistencyLevel", "eventual");
        });
        Assert.Equal(Lab.SeedUsers / 2, users!.OdataCount);

        var noHeader = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.Count.GetAsync());
        Assert.Equal(400, noHeader.ResponseStatusCode);
        var g0 = await GroupNamed("Conformance Group 00");
        var membersFilter = await Assert.ThrowsAsync<ODataError>(() =>
            graph.Groups[g0.Id].Members.GetAsync(rc => rc.QueryParameters.Filter = "startsWith(displayName,'C')"));
        Assert.Equal("Request_UnsupportedQuery", membersFilter.Error!.Code);
    }

    [Fact]
    public async Task Errors_are_ODataErrors_with_status_and_code()
    {
        var missing = await Assert.ThrowsAsync<ODataError>(() => graph.Groups[Guid.NewGuid().ToString()].GetAsync());
        Assert.Equal(404, missing.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", missing.Error!.Code);
        Assert.False(string.IsNullOrEmpty(missing.Error.InnerError?.RequestId));

        var malformed = await Assert.ThrowsAsync<ODataError>(() => graph.Groups["not-a-guid"].GetAsync());
        Assert.Equal(400, malformed.ResponseStatusCode);
        Assert.Equal("Request_BadRequest", malformed.Error!.Code);

        var badSelect = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.GetAsync(rc => rc.QueryParameters.Select = ["noSuchProperty"]));
        Assert.Equal(400, badSelect.ResponseStatusCode);

        var badTop = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.GetAsync(rc => rc.QueryParameters.Top = 1000));
        Assert.Equal(400, badTop.ResponseStatusCode);
    }

    async Task<Group> GroupNamed(string name) =>
        (await graph.Groups.GetAsync(rc => rc.QueryParameters.Filter = $"displayName eq '{name}'"))!.Value!.Single();
}
