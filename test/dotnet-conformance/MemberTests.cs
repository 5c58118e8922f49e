// Members and the SDK's typed casts (…/members/graph.user, …/transitiveMembers/graph.group, memberOf/graph.group),
// $expand=members($select=…) as on the group resource page, member writes through $ref, dynamic groups.
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Xunit;

namespace GraphConformance;

public class MemberTests
{
    readonly GraphServiceClient graph = Lab.Graph();

    async Task<Group> GroupNamed(string name) =>
        (await graph.Groups.GetAsync(rc => rc.QueryParameters.Filter = $"displayName eq '{name}'"))!.Value!.Single();

    async Task<User> UserNamed(string upn) => (await graph.Users[upn].GetAsync())!;

    [Fact]
    public async Task Members_come_back_as_typed_users_and_groups()
    {
        var g0 = await GroupNamed("Conformance Group 00");
        var members = await graph.Groups[g0.Id].Members.GetAsync(rc => rc.QueryParameters.Select = ["id", "displayName", "userPrincipalName"]);
        Assert.Equal(["conf.user00@contoso.com", "conf.user01@contoso.com"],
            members!.Value!.OfType<User>().Select(u => u.UserPrincipalName).Order());
        Assert.Equal(["Conformance Nested"], members.Value!.OfType<Group>().Select(g => g.DisplayName));
    }

    [Fact]
    public async Task Typed_casts_use_the_graph_alias()
    {
        var g0 = await GroupNamed("Conformance Group 00");
        var users = await graph.Groups[g0.Id].Members.GraphUser.GetAsync(rc => rc.QueryParameters.Select = ["userPrincipalName"]);
        Assert.Equal(["conf.user00@contoso.com", "conf.user01@contoso.com"], users!.Value!.Select(u => u.UserPrincipalName).Order());

        var nested = await graph.Groups[g0.Id].TransitiveMembers.GraphGroup.GetAsync();
        Assert.Equal(["Conformance Nested"], nested!.Value!.Select(g => g.DisplayName));

        var allUsers = await graph.Groups[g0.Id].TransitiveMembers.GraphUser.GetAsync();
        Assert.Equal(4, allUsers!.Value!.Count);

        var count = await graph.Groups[g0.Id].Members.GraphUser.Count.GetAsync(rc => rc.Headers.Add("ConsistencyLevel", "eventual"));
        Assert.Equal(2, count);

        var memberOf = await graph.Users["conf.user02@contoso.com"].TransitiveMemberOf.GraphGroup.GetAsync(rc => rc.QueryParameters.Select = ["displayName"]);
        Assert.Equal(["Conformance Group 00", "Conformance Nested"], memberOf!.Value!.Select(g => g.DisplayName).Order());
        var direct = await graph.Users["conf.user02@contoso.com"].MemberOf.GraphGroup.GetAsync();
        Assert.Equal(["Conformance Nested"], direct!.Value!.Select(g => g.DisplayName));
    }

    [Fact]
    public async Task Expand_members_with_a_nested_select()
    {
        var g0 = await GroupNamed("Conformance Group 00");
        var group = await graph.Groups[g0.Id].GetAsync(rc => rc.QueryParameters.Expand = ["members($select=id,userPrincipalName,displayName)"]);
        Assert.Equal(3, group!.Members!.Count);
        var user = group.Members.OfType<User>().Single(u => u.UserPrincipalName == "conf.user00@contoso.com");
        Assert.Equal("Conformance User 00", user.DisplayName);
        Assert.Null(user.Department); // not selected

        var listed = await graph.Groups.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = "displayName eq 'Conformance Nested'";
            rc.QueryParameters.Expand = ["members($select=id,userPrincipalName,displayName)"];
        });
        Assert.Equal(["conf.user02@contoso.com", "conf.user03@contoso.com"],
            listed!.Value!.Single().Members!.OfType<User>().Select(u => u.UserPrincipalName).Order());
    }

    [Fact]
    public async Task Member_writes_through_ref_and_members_odata_bind()
    {
        var u4 = await UserNamed("conf.user04@contoso.com");
        var u5 = await UserNamed("conf.user05@contoso.com");
        var created = await graph.Groups.PostAsync(new Group
        {
            DisplayName = Lab.Unique("Conformance Writes"), MailEnabled = false, SecurityEnabled = true, MailNickname = $"conf-w-{Guid.NewGuid():N}"[..16],
            AdditionalData = new Dictionary<string, object> { ["members@odata.bind"] = new[] { $"https://graph.microsoft.com/v1.0/directoryObjects/{u4.Id}" } },
        });
        try
        {
            await graph.Groups[created!.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{u5.Id}" });
            var dup = await Assert.ThrowsAsync<ODataError>(() =>
                graph.Groups[created.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{u5.Id}" }));
            Assert.Equal(400, dup.ResponseStatusCode);
            await graph.Groups[created.Id].Members[u4.Id].Ref.DeleteAsync();
            var members = await graph.Groups[created.Id].Members.GetAsync();
            Assert.Equal([u5.Id], members!.Value!.Select(m => m.Id));
            var gone = await Assert.ThrowsAsync<ODataError>(() => graph.Groups[created.Id].Members[u4.Id].Ref.DeleteAsync());
            Assert.Equal(404, gone.ResponseStatusCode);
        }
        finally
        {
            await graph.Groups[created!.Id].DeleteAsync();
            await graph.Directory.DeletedItems[created.Id].DeleteAsync();
        }
    }

    [Fact]
    public async Task Dynamic_groups_follow_their_rule_and_refuse_manual_members()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var dynamic = await graph.Groups.PostAsync(new Group
        {
            DisplayName = $"Conformance Dynamic {tag}", MailEnabled = false, SecurityEnabled = true, MailNickname = $"conf-dyn-{tag}",
            GroupTypes = ["DynamicMembership"], MembershipRule = $"user.jobTitle -eq \"Tester {tag}\"", MembershipRuleProcessingState = "On",
        });
        var u6 = await UserNamed("conf.user06@contoso.com");
        try
        {
            Assert.Empty((await graph.Groups[dynamic!.Id].Members.GetAsync())!.Value!);
            await graph.Users[u6.Id].PatchAsync(new User { JobTitle = $"Tester {tag}" });
            Assert.Equal([u6.Id], (await graph.Groups[dynamic.Id].Members.GetAsync())!.Value!.Select(m => m.Id));

            var u7 = await UserNamed("conf.user07@contoso.com");
            var manual = await Assert.ThrowsAsync<ODataError>(() => graph.Groups[dynamic.Id].Members.Ref.PostAsync(
                new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{u7.Id}" }));
            Assert.Equal(400, manual.ResponseStatusCode);
            Assert.Contains("cannot be managed manually", manual.Error!.Message);

            await graph.Groups[dynamic.Id].PatchAsync(new Group { MembershipRuleProcessingState = "Paused" });
            await graph.Users[u6.Id].PatchAsync(new User { JobTitle = "Something else" });
            Assert.Single((await graph.Groups[dynamic.Id].Members.GetAsync())!.Value!);
            await graph.Groups[dynamic.Id].PatchAsync(new Group { MembershipRuleProcessingState = "On" });
            Assert.Empty((await graph.Groups[dynamic.Id].Members.GetAsync())!.Value!);

            var device = await Assert.ThrowsAsync<ODataError>(() =>
                graph.Groups[dynamic.Id].PatchAsync(new Group { MembershipRule = "device.deviceOSType -eq \"Windows\"" }));
            Assert.Equal("Request_BadRequest", device.Error!.Code);
        }
        finally
        {
            await graph.Groups[dynamic!.Id].DeleteAsync();
            await graph.Directory.DeletedItems[dynamic.Id].DeleteAsync();
        }
    }
}
