using System.Net;
using System.Text.Json.Nodes;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// The standard change catalog: process owners authorize routine work once as a template; a standard change is raised
/// only from an active one and stays inside what it authorizes (its services, its plans, its longest window). On both
/// databases.
/// </summary>
public abstract class ChangeTemplateTests(ServerFixture fixture)
{
    private static readonly string[] Network = ["network"];
    private static readonly string[] Email = ["email"];
    private static readonly string[] Mainframe = ["mainframe"];

    private static object Template(string name, long? revision = null, bool active = true, string? maxDuration = "02:00:00") => new
    {
        name, description = "Only for the edge switches.", services = Network, assignmentGroup = "Network",
        implementationPlan = "Upload, check the hash, reboot into it", backoutPlan = "Boot the previous image", testPlan = "Uplinks up for 15 minutes",
        maxDuration, active, revision,
    };

    [Fact]
    public async Task ProcessOwnersWriteTemplates_StaffReadThem_AndAnEditOnAnOldCopyIsRefused()
    {
        var id = "tpl-" + Guid.NewGuid().ToString("N")[..8];
        var dave = await fixture.ClientAsync("dave");
        var bob = await fixture.ClientAsync("bob");
        var alice = await fixture.ClientAsync("alice");

        // The demo's catalog is there for anyone who raises changes; requesters do not raise changes.
        Assert.Contains((await OkAsync(await bob.GetAsync("/api/change-templates", Ct))).AsArray(), t => t!["id"]!.GetValue<string>() == "network-firmware");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/change-templates", Ct)).StatusCode);
        // An agent may use templates, not authorize them.
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PutJsonAsync($"/api/change-templates/{id}", Template("Edge switch firmware"))).StatusCode);

        // What is missing is said at once.
        var incomplete = await dave.PutJsonAsync($"/api/change-templates/{id}", new { name = " ", services = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        var detail = (await ReadAsync(incomplete))["detail"]!.GetValue<string>();
        foreach (var expected in new[] { "needs a name", "Name the services", "implementation plan", "back-out plan" }) Assert.Contains(expected, detail, StringComparison.Ordinal);
        var unknown = await dave.PutJsonAsync($"/api/change-templates/{id}", new { name = "x", services = Mainframe, implementationPlan = "a", backoutPlan = "b" });
        Assert.Contains("Unknown services: mainframe", (await ReadAsync(unknown))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await dave.PutJsonAsync($"/api/change-templates/{id}", Template("x", maxDuration: "-01:00:00"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/change-templates/{id}", Ct)).StatusCode); // nothing was kept

        var created = await dave.PutJsonAsync($"/api/change-templates/{id}", Template("Edge switch firmware"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var template = await ReadAsync(created);
        Assert.Equal((1L, "dave", 0, "02:00:00"), (template["revision"]!.GetValue<long>(), template["updatedBy"]!.GetValue<string>(), template["used"]!.GetValue<int>(), template["maxDuration"]!.GetValue<string>()));

        // Replacing needs the revision edited: without it, or with an old one, nothing is overwritten.
        var blind = await dave.PutJsonAsync($"/api/change-templates/{id}", Template("Blind overwrite"));
        Assert.Equal(HttpStatusCode.Conflict, blind.StatusCode);
        Assert.Contains("send the revision you edited", (await ReadAsync(blind))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await OkAsync(await dave.PutJsonAsync($"/api/change-templates/{id}", Template("Edge switch firmware (lab-tested)", revision: 1)));
        var stale = await dave.PutJsonAsync($"/api/change-templates/{id}", Template("Edited on an old copy", revision: 1));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("was changed by dave since you opened it (now revision 2)", (await ReadAsync(stale))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var now = await OkAsync(await bob.GetAsync($"/api/change-templates/{id}", Ct));
        Assert.Equal(("Edge switch firmware (lab-tested)", 2L), (now["name"]!.GetValue<string>(), now["revision"]!.GetValue<long>()));
        // The id is the address's.
        Assert.Equal(HttpStatusCode.BadRequest, (await dave.PutJsonAsync($"/api/change-templates/{id}", new { id = "other", name = "x", services = Network, implementationPlan = "a", backoutPlan = "b", revision = 2 })).StatusCode);
    }

    [Fact]
    public async Task AStandardChange_ComesFromAnActiveTemplate_AndStaysInsideWhatItAuthorizes()
    {
        await ImportAsync(fixture);
        await ClearBlackoutsAsync(fixture);
        var id = "tpl-" + Guid.NewGuid().ToString("N")[..8];
        var dave = await fixture.ClientAsync("dave");
        var nina = await fixture.ClientAsync("nina");
        await OkAsync(await dave.PutJsonAsync($"/api/change-templates/{id}", Template("Edge switch firmware")));
        var now = fixture.EngineClock.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, 9, 0, 0, TimeSpan.Zero).AddDays(40 + Random.Shared.Next(300));
        async Task<string> RefusedAsync(object body)
        {
            var response = await nina.PostJsonAsync("/api/changes", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await ReadAsync(response))["detail"]!.GetValue<string>();
        }

        // Labelled standard without a template: the label alone no longer skips the CAB.
        Assert.Contains("raised from a standard change template", await RefusedAsync(new { title = "Swap a switch", type = "standard", services = Network, plannedStart = start, plannedEnd = start.AddHours(1) }), StringComparison.Ordinal);
        Assert.Contains("leave 'template' out", await RefusedAsync(new { title = "Swap a switch", type = "normal", template = id, services = Network, plannedStart = start, plannedEnd = start.AddHours(1), implementationPlan = "x" }), StringComparison.Ordinal);
        Assert.Contains($"no standard change template 'nope-{id}'", await RefusedAsync(new { type = "standard", template = "nope-" + id, plannedStart = start, plannedEnd = start.AddHours(1) }), StringComparison.Ordinal);
        Assert.Contains("authorized for network only, not email", await RefusedAsync(new { type = "standard", template = id, services = Email, plannedStart = start, plannedEnd = start.AddHours(1) }), StringComparison.Ordinal);
        Assert.Contains("follows its template's plans", await RefusedAsync(new { type = "standard", template = id, plannedStart = start, plannedEnd = start.AddHours(1), backoutPlan = "Hope" }), StringComparison.Ordinal);
        Assert.Contains("windows of at most 2 hours; this one is 3 hours", await RefusedAsync(new { type = "standard", template = id, plannedStart = start, plannedEnd = start.AddHours(3) }), StringComparison.Ordinal);
        // The template names who does it; an unknown type is said to be one, template or not.
        Assert.Contains("carried out by Network, not Service Desk", await RefusedAsync(new { type = "standard", template = id, assignmentGroup = "Service Desk", plannedStart = start, plannedEnd = start.AddHours(1) }), StringComparison.Ordinal);
        var clock = fixture.EngineClock.GetUtcNow();
        Assert.Contains("A standard change is planned ahead, and this window would already have started", await RefusedAsync(new { type = "standard", template = id, plannedStart = clock.AddMinutes(-30), plannedEnd = clock.AddMinutes(30) }), StringComparison.Ordinal);
        Assert.Contains("The type is standard, normal or emergency", await RefusedAsync(new { type = "pre-approved", template = id, plannedStart = start, plannedEnd = start.AddHours(1) }), StringComparison.Ordinal);

        // The template fills what it authorizes: the title (unless given), services, plans and group.
        var created = await OkAsync(await nina.PostJsonAsync("/api/changes", new { type = "standard", template = id, plannedStart = start, plannedEnd = start.AddHours(2) }));
        var number = created["number"]!.GetValue<string>();
        Assert.Equal(("Edge switch firmware", "standard", "Network", "network"), (created["title"]!.GetValue<string>(), created["changeType"]!.GetValue<string>(), created["assignmentGroup"]!.GetValue<string>(), created["serviceId"]!.GetValue<string>()));
        var change = created["details"]!["change"]!;
        Assert.Equal(("Upload, check the hash, reboot into it", "Boot the previous image", "Uplinks up for 15 minutes"), (change["implementationPlan"]!.GetValue<string>(), change["backoutPlan"]!.GetValue<string>(), change["testPlan"]!.GetValue<string>()));
        Assert.Equal((id, "Edge switch firmware", 1L), (change["template"]!["id"]!.GetValue<string>(), change["template"]!["name"]!.GetValue<string>(), change["template"]!["revision"]!.GetValue<long>()));
        await SettleAsync(fixture);
        Assert.Equal("Scheduled", await StatusAsync(nina, number)); // pre-approved: no CAB
        // A move keeps it inside the template's longest window.
        var move = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = start.AddDays(1), plannedEnd = start.AddDays(1).AddHours(5) });
        Assert.Equal(HttpStatusCode.BadRequest, move.StatusCode);
        Assert.Contains($"{number} is a standard change from template 'Edge switch firmware', authorized for windows of at most 2 hours; the new one is 5 hours", (await ReadAsync(move))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Widening the template later does not widen what this change was authorized for; narrowing it narrows it.
        await OkAsync(await dave.PutJsonAsync($"/api/change-templates/{id}", Template("Edge switch firmware", revision: 1, maxDuration: null)));
        var wider = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = start.AddDays(1), plannedEnd = start.AddDays(1).AddHours(5) });
        Assert.Contains("authorized for windows of at most 2 hours; the new one is 5 hours", (await ReadAsync(wider))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // Its plans revised (the old one was unsafe, say): this change is no longer what the template authorizes.
        await OkAsync(await dave.PutJsonAsync($"/api/change-templates/{id}", new
        {
            name = "Edge switch firmware", services = Network, implementationPlan = "Upload, check the hash, stage it, reboot into it", backoutPlan = "Boot the previous image",
            testPlan = "Uplinks up for 15 minutes", revision = 2,
        }));
        var revised = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = start.AddDays(1), plannedEnd = start.AddDays(1).AddHours(1) });
        Assert.Contains("whose plans were revised since it was raised", (await ReadAsync(revised))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var narrowed = await dave.PutJsonAsync($"/api/change-templates/{id}", new
        {
            name = "Edge switch firmware", services = Email, implementationPlan = "Upload, check the hash, reboot into it", backoutPlan = "Boot the previous image", revision = 3,
        });
        await OkAsync(narrowed);
        var outside = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = start.AddDays(1), plannedEnd = start.AddDays(1).AddHours(1) });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("which no longer covers network, so it cannot be moved; cancel it and raise a normal change", (await ReadAsync(outside))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Retired: no new changes from it, and the one raised cannot be moved on its authority; it stays, and the template
        // is still listed with all=true.
        await OkAsync(await dave.PutJsonAsync($"/api/change-templates/{id}", Template("Edge switch firmware", revision: 4, active: false)));
        var retiredMove = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = start.AddDays(1), plannedEnd = start.AddDays(1).AddHours(1) });
        Assert.Contains("which is retired and no longer authorizes changes, so it cannot be moved", (await ReadAsync(retiredMove))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("was retired by dave", await RefusedAsync(new { type = "standard", template = id, plannedStart = start.AddDays(2), plannedEnd = start.AddDays(2).AddHours(1) }), StringComparison.Ordinal);
        Assert.DoesNotContain((await OkAsync(await nina.GetAsync("/api/change-templates", Ct))).AsArray(), t => t!["id"]!.GetValue<string>() == id);
        var retired = (await OkAsync(await nina.GetAsync("/api/change-templates?all=true", Ct))).AsArray().Single(t => t!["id"]!.GetValue<string>() == id)!;
        Assert.Equal((false, 1), (retired["active"]!.GetValue<bool>(), retired["used"]!.GetValue<int>()));
        Assert.Equal("Scheduled", await StatusAsync(nina, number));
    }
}

public sealed class ChangeTemplateOnPostgresTests(PostgresServerFixture fixture) : ChangeTemplateTests(fixture), IClassFixture<PostgresServerFixture>;

public sealed class ChangeTemplateOnSqliteTests(SqliteServerFixture fixture) : ChangeTemplateTests(fixture), IClassFixture<SqliteServerFixture>;
