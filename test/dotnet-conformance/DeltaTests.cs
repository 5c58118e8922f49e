// Groups and users delta through the SDK: an initial round over several pages, then rounds with every change kind
// (member added, member removed, property changed, soft delete → @removed "changed", restore, permanent delete →
// @removed "deleted"), each read from the previous round's @odata.deltaLink.
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Xunit;

namespace GraphConformance;

public class DeltaTests
{
    readonly GraphServiceClient graph = Lab.Graph();

    /// <summary>One delta round: every page from `first` (a URL or null for an initial round) to the deltaLink.</summary>
    async Task<(List<Group> Items, string DeltaLink, int Pages)> GroupRound(string? deltaLink)
    {
        var page = deltaLink is null
            ? await graph.Groups.Delta.GetAsDeltaGetResponseAsync(rc => rc.QueryParameters.Select = ["displayName", "description", "members"])
            : await graph.Groups.Delta.WithUrl(deltaLink).GetAsDeltaGetResponseAsync();
        var items = new List<Group>();
        var pages = 1;
        while (true)
        {
            items.AddRange(page!.Value!);
            if (page.OdataNextLink is { } next) { page = await graph.Groups.Delta.WithUrl(next).GetAsDeltaGetResponseAsync(); pages++; continue; }
            Assert.NotNull(page.OdataDeltaLink);
            return (items, page.OdataDeltaLink!, pages);
        }
    }

    /// <summary>members@delta entries of one group in a round, as (id, removed?).</summary>
    static List<(string Id, bool Removed)> MemberChanges(IEnumerable<Group> items, string groupId) =>
        items.Where(g => g.Id == groupId)
            .SelectMany(g => (Lab.Additional(g.AdditionalData, "members@delta") as JsonArray) ?? [])
            .Select(m => ((string)m!["id"]!, m["@removed"] is not null))
            .ToList();

    static string? RemovedReason(IEnumerable<Group> items, string id) =>
        items.Where(g => g.Id == id).Select(g => Lab.Additional(g.AdditionalData, "@removed")?["reason"]?.GetValue<string>()).LastOrDefault();

    [Fact]
    public async Task Delta_rounds_report_every_change_kind()
    {
        var u = new List<User>();
        foreach (var i in new[] { 8, 9, 10 }) u.Add((await graph.Users[$"conf.user{i:00}@contoso.com"].GetAsync())!);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var main = (await graph.Groups.PostAsync(new Group
        {
            DisplayName = $"Conformance Delta {tag}", MailEnabled = false, SecurityEnabled = true, MailNickname = $"conf-delta-{tag}",
            AdditionalData = new Dictionary<string, object>
            {
                ["members@odata.bind"] = new[] { $"https://graph.microsoft.com/v1.0/directoryObjects/{u[0].Id}", $"https://graph.microsoft.com/v1.0/directoryObjects/{u[1].Id}" },
            },
        }))!;
        var doomed = (await graph.Groups.PostAsync(new Group
        {
            DisplayName = $"Conformance Doomed {tag}", MailEnabled = false, SecurityEnabled = true, MailNickname = $"conf-doomed-{tag}",
        }))!;

        // Initial round: every group, over several pages (the emulator serves 5 objects a page here).
        var initial = await GroupRound(null);
        Assert.True(initial.Pages > 2, $"{initial.Pages} pages");
        Assert.Equal(initial.Items.Select(g => g.Id).Distinct().Count(), initial.Items.Select(g => g.Id).Distinct().Count());
        Assert.Contains(initial.Items, g => g.Id == doomed.Id);
        Assert.Equal(new[] { u[0].Id!, u[1].Id! }.Order(), MemberChanges(initial.Items, main.Id!).Select(m => m.Id).Order());

        // Round 1: member added, member removed, property changed, soft delete.
        await graph.Groups[main.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{u[2].Id}" });
        await graph.Groups[main.Id].Members[u[0].Id].Ref.DeleteAsync();
        await graph.Groups[main.Id].PatchAsync(new Group { Description = "changed by the .NET SDK" });
        await graph.Groups[doomed.Id].DeleteAsync();
        var r1 = await GroupRound(initial.DeltaLink);
        Assert.Equal([(u[0].Id!, true), (u[2].Id!, false)], MemberChanges(r1.Items, main.Id!).OrderBy(m => m.Id == u[0].Id ? 0 : 1));
        Assert.Equal("changed by the .NET SDK", r1.Items.Last(g => g.Id == main.Id).Description);
        Assert.Equal("changed", RemovedReason(r1.Items, doomed.Id!));
        Assert.DoesNotContain(r1.Items, g => g.DisplayName?.StartsWith("Conformance Group") == true); // untouched groups stay out

        var deleted = await graph.Directory.DeletedItems.GraphGroup.GetAsync(rc => rc.QueryParameters.Select = ["id", "displayName"]);
        Assert.Contains(deleted!.Value!, g => g.Id == doomed.Id && g.DisplayName == doomed.DisplayName);

        // Round 2: restore brings the group back (no @removed).
        var restored = await graph.Directory.DeletedItems[doomed.Id].Restore.PostAsync();
        Assert.Equal(doomed.Id, restored!.Id);
        var r2 = await GroupRound(r1.DeltaLink);
        var back = r2.Items.Single(g => g.Id == doomed.Id);
        Assert.Equal(doomed.DisplayName, back.DisplayName);
        Assert.Null(Lab.Additional(back.AdditionalData, "@removed"));

        // Round 3: permanent delete → @removed "deleted"; and nothing else changed since round 2.
        await graph.Groups[doomed.Id].DeleteAsync();
        await graph.Directory.DeletedItems[doomed.Id].DeleteAsync();
        var r3 = await GroupRound(r2.DeltaLink);
        Assert.Equal("deleted", RemovedReason(r3.Items, doomed.Id!));
        Assert.Equal([doomed.Id], r3.Items.Select(g => g.Id).Distinct());

        var r4 = await GroupRound(r3.DeltaLink);
        Assert.Empty(r4.Items);
        await graph.Groups[main.Id].DeleteAsync();
    }

    [Fact]
    public async Task Users_delta_reports_a_property_change()
    {
        var first = await graph.Users.Delta.GetAsDeltaGetResponseAsync(rc => rc.QueryParameters.Select = ["displayName", "department"]);
        var items = new List<User>();
        while (true)
        {
            items.AddRange(first!.Value!);
            if (first.OdataNextLink is null) break;
            first = await graph.Users.Delta.WithUrl(first.OdataNextLink).GetAsDeltaGetResponseAsync();
        }
        Assert.True(items.Count >= Lab.SeedUsers);
        var user = (await graph.Users["conf.user11@contoso.com"].GetAsync())!;
        await graph.Users[user.Id].PatchAsync(new User { Department = "Delta Dept" });
        var round = await graph.Users.Delta.WithUrl(first.OdataDeltaLink!).GetAsDeltaGetResponseAsync();
        var changed = Assert.Single(round!.Value!);
        Assert.Equal(user.Id, changed.Id);
        Assert.Equal("Delta Dept", changed.Department);
        await graph.Users[user.Id].PatchAsync(new User { Department = "Sales" });
    }
}
