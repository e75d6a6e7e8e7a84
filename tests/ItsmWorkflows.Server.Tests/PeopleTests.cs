using System.Net;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The people directory: managers for hierarchical escalation, delegates for approvals, group membership.</summary>
public sealed class PeopleTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task Directory_ShowsManagersAndGroups_AndGroupsListTheirMembers()
    {
        var alice = await fixture.ClientAsync("alice");
        var people = (await OkAsync(await alice.GetAsync("/api/people", Ct))).AsArray();
        Assert.True(people.Count >= 12);
        var bob = people.Single(p => p!["userName"]!.GetValue<string>() == "bob")!;
        Assert.Equal("dave", bob["manager"]!.GetValue<string>());
        Assert.Equal(["Service Desk"], bob["groups"]!.AsArray().Select(g => g!.GetValue<string>()));

        var groups = (await OkAsync(await alice.GetAsync("/api/groups", Ct))).AsArray();
        var cab = groups.Single(g => g!["name"]!.GetValue<string>() == "Change Advisory Board")!;
        Assert.Equal(["carol", "dave", "nina"], cab["members"]!.AsArray().Select(m => m!.GetValue<string>()));
        // Beside them, in the same order, the names people know them by (the reassign form lists these).
        Assert.Equal(["Carol Manager", "Dave Owner", "Nina Network"], cab["memberNames"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task Anyone_SetsTheirOwnDelegate_ButNotThemselves()
    {
        var carol = await fixture.ClientAsync("carol");
        var me = await OkAsync(await carol.PutAsync("/api/people/me/delegate", Body("""{ "delegate": "dave" }"""), Ct));
        Assert.Equal("dave", me["delegate"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await carol.PutAsync("/api/people/me/delegate", Body("""{ "delegate": "carol" }"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carol.PutAsync("/api/people/me/delegate", Body("""{ "delegate": "zed" }"""), Ct)).StatusCode);
        me = await OkAsync(await carol.PutAsync("/api/people/me/delegate", Body("""{ "delegate": null }"""), Ct));
        Assert.Null(me["delegate"]);
    }

    [Fact]
    public async Task Admin_SetsManagersAndGroups_AndALoopIsRefused()
    {
        var erin = await fixture.ClientAsync("erin");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAsync("dave")).PutAsync("/api/people/kate", Body("""{ "manager": "dave" }"""), Ct)).StatusCode);

        var kate = await OkAsync(await erin.PutAsync("/api/people/kate", Body("""{ "manager": "henry", "groups": ["Service Desk"] }"""), Ct));
        Assert.Equal("henry", kate["manager"]!.GetValue<string>());
        Assert.Equal(["Service Desk"], kate["groups"]!.AsArray().Select(g => g!.GetValue<string>()));

        // erin is at the top: henry reports to erin, so erin cannot report to kate (who reports to henry).
        var loop = await erin.PutAsync("/api/people/erin", Body("""{ "manager": "kate" }"""), Ct);
        Assert.Equal(HttpStatusCode.Conflict, loop.StatusCode);
        Assert.Contains("cannot report to them", (await ReadAsync(loop))["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await erin.PutAsync("/api/people/kate", Body("""{ "groups": ["Astronauts"] }"""), Ct)).StatusCode);
    }
}

/// <summary>The activity catalog a designer builds its toolbox and property panels from.</summary>
public sealed class ActivityCatalogTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task Activities_ListEveryType_WithInputsAndPorts()
    {
        var client = await fixture.ClientAsync("dave");
        var all = (await OkAsync(await client.GetAsync("/api/activities", Ct))).AsArray();
        Assert.Contains(all, a => a!["typeName"]!.GetValue<string>() == "Elsa.FlowDecision");
        var task = all.Single(a => a!["typeName"]!.GetValue<string>() == "Itsm.CreateTask")!;
        Assert.Equal("ITSM", task["category"]!.GetValue<string>());
        Assert.Equal(["Complete", "Incomplete"], task["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.True(task["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "title")!["isRequired"]!.GetValue<bool>());

        var one = await OkAsync(await client.GetAsync("/api/activities/Itsm.AssessRisk", Ct));
        Assert.Equal(["Low", "Moderate", "High"], one["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        var missing = await client.GetAsync("/api/activities/Acme.Teleport", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("GET /api/activities lists them", (await ReadAsync(missing))["detail"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await (await fixture.ClientAsync(null)).GetAsync("/api/activities", Ct)).StatusCode);
    }

    [Fact]
    public async Task ExpressionCheck_SaysWhyAScriptDoesNotCompile()
    {
        var client = await fixture.ClientAsync("dave");
        var bad = await OkAsync(await client.PostJsonAsync("/api/expressions/check", new { syntax = "JavaScript", value = "1 +", typeName = "Int32" }));
        Assert.False(bad["valid"]!.GetValue<bool>());
        Assert.Contains("JavaScript does not parse", bad["error"]!.GetValue<string>());
        var csharp = await OkAsync(await client.PostJsonAsync("/api/expressions/check", new { syntax = "CSharp", value = "1 + 1" }));
        Assert.Contains("cannot be sandboxed", csharp["error"]!.GetValue<string>());
        var good = await OkAsync(await client.PostJsonAsync("/api/expressions/check", new { syntax = "Liquid", value = "Hello {{ Input.name }}" }));
        Assert.True(good["valid"]!.GetValue<bool>());
        Assert.Null(good["error"]);

        // Where it goes wrong, so the editor can mark the place: the stray ')' on line 2, column 9.
        var placed = await OkAsync(await client.PostJsonAsync("/api/expressions/check", new { syntax = "JavaScript", value = "const a = 1;\nreturn a);", typeName = "Int32" }));
        Assert.Equal((2, 9), (placed["line"]!.GetValue<int>(), placed["column"]!.GetValue<int>()));
        var liquid = await OkAsync(await client.PostJsonAsync("/api/expressions/check", new { syntax = "Liquid", value = "Dear {{ name }},\n{% if %}late{% endif %}" }));
        Assert.False(liquid["valid"]!.GetValue<bool>());
        Assert.Equal(2, liquid["line"]!.GetValue<int>());
    }

    [Fact]
    public async Task NobodyMayBeNamedWorkflow_TheNameOfTheProcessInATicketsHistory()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();

        var refused = await users.CreateAsync(new Person { UserName = "Workflow", DisplayName = "Not the process" });
        Assert.False(refused.Succeeded);
        Assert.Contains("reserved", Assert.Single(refused.Errors).Description, StringComparison.Ordinal);
        Assert.True((await users.CreateAsync(new Person { UserName = "workflow-" + Guid.NewGuid().ToString("N")[..6], DisplayName = "A person" })).Succeeded);
    }
}
