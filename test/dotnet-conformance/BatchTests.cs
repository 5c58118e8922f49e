// getByIds and JSON $batch through BatchRequestContentCollection (more than 20 steps: the SDK splits them).
using Microsoft.Graph;
using Microsoft.Graph.DirectoryObjects.GetByIds;
using Microsoft.Graph.Models;
using Xunit;

namespace GraphConformance;

public class BatchTests
{
    readonly GraphServiceClient graph = Lab.Graph();

    [Fact]
    public async Task GetByIds_returns_typed_objects_and_omits_unknown_ids()
    {
        var user = (await graph.Users["conf.user00@contoso.com"].GetAsync())!;
        var group = (await graph.Groups.GetAsync(rc => rc.QueryParameters.Filter = "displayName eq 'Conformance Nested'"))!.Value!.Single();
        var result = await graph.DirectoryObjects.GetByIds.PostAsGetByIdsPostResponseAsync(new GetByIdsPostRequestBody
        {
            Ids = [user.Id!, group.Id!, Guid.NewGuid().ToString()],
            Types = ["user", "group"],
        });
        Assert.Equal(2, result!.Value!.Count);
        Assert.Equal("conf.user00@contoso.com", result.Value.OfType<User>().Single().UserPrincipalName);
        Assert.Equal("Conformance Nested", result.Value.OfType<Group>().Single().DisplayName);

        var onlyGroups = await graph.DirectoryObjects.GetByIds.PostAsGetByIdsPostResponseAsync(new GetByIdsPostRequestBody
        {
            Ids = [user.Id!, group.Id!], Types = ["group"],
        });
        Assert.IsType<Group>(Assert.Single(onlyGroups!.Value!));
    }

    [Fact]
    public async Task Batch_of_25_steps_with_a_404_among_them()
    {
        var batch = new BatchRequestContentCollection(graph);
        var stepByUpn = new Dictionary<string, string>();
        for (var i = 0; i < 12; i++)
        {
            var upn = $"conf.user{i:00}@contoso.com";
            stepByUpn[upn] = await batch.AddBatchRequestStepAsync(graph.Users[upn].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id", "userPrincipalName"]));
        }
        var groupSteps = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            groupSteps.Add(await batch.AddBatchRequestStepAsync(graph.Groups.ToGetRequestInformation(rc =>
            {
                rc.QueryParameters.Filter = $"displayName eq 'Conformance Group {i:00}'";
                rc.QueryParameters.Select = ["displayName"];
            })));
        }
        var missing = await batch.AddBatchRequestStepAsync(graph.Groups[Guid.NewGuid().ToString()].ToGetRequestInformation());

        var response = await graph.Batch.PostAsync(batch);
        var codes = await response.GetResponsesStatusCodesAsync();
        Assert.Equal(25, codes.Count);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, codes[missing]);
        foreach (var (upn, step) in stepByUpn)
        {
            var user = await response.GetResponseByIdAsync<User>(step);
            Assert.Equal(upn, user.UserPrincipalName);
        }
        for (var i = 0; i < groupSteps.Count; i++)
        {
            var page = await response.GetResponseByIdAsync<GroupCollectionResponse>(groupSteps[i]);
            Assert.Equal($"Conformance Group {i:00}", page.Value!.Single().DisplayName);
        }
    }
}
