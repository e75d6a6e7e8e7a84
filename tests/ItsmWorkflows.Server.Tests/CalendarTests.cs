using System.Net;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>/api/calendars and approvals whose due time counts in a calendar, on each provider.</summary>
public abstract class CalendarTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    [Fact]
    public async Task Calendars_AreDefinedByProcessOwners_ReadByEveryone_AndNonsenseIsRefused()
    {
        var owner = await fixture.ClientAsync("dave");
        var name = "ops-" + Guid.NewGuid().ToString("N")[..8];
        var saved = await OkAsync(await owner.PutAsync($"/api/calendars/{name}", Body("""
            { "timeZone": "America/New_York", "hours": { "monday": ["08:00-18:00"], "friday": ["08:00-12:00"] }, "holidays": ["2026-11-26"] }
            """), Ct));
        Assert.Equal(name, saved["name"]!.GetValue<string>());

        var agent = await fixture.ClientAsync("bob");
        Assert.Contains((await OkAsync(await agent.GetAsync("/api/calendars", Ct))).AsArray(), c => c!["name"]!.GetValue<string>() == name);
        Assert.Contains((await OkAsync(await agent.GetAsync("/api/calendars", Ct))).AsArray(), c => c!["name"]!.GetValue<string>() == "24x7");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsync($"/api/calendars/{name}", Body("""{ "hours": { "monday": ["09:00-17:00"] } }"""), Ct)).StatusCode);

        // Wednesday 25 Nov 2026 17:00 New York (22:00 UTC) + 3 working hours: Thursday is a holiday, Friday opens at 08:00 → 11:00 (16:00 UTC).
        var due = await OkAsync(await agent.GetAsync($"/api/calendars/{name}/due?from=2026-11-25T22:00:00Z&duration=03:00:00", Ct));
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture), due["due"]!.GetValue<DateTimeOffset>());

        var bad = await owner.PutAsync($"/api/calendars/{name}", Body("""{ "timeZone": "Mars/Olympus", "hours": { "monday": ["09:00-17:00"] } }"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Time zone 'Mars/Olympus' is unknown", (await ReadAsync(bad))["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PutAsync("/api/calendars/24x7", Body("""{ "hours": { "monday": ["09:00-17:00"] } }"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/calendars/nowhere", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/calendars/{name}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Delete_ACalendarInUse_Is409NamingTheUsers_AndDeletesNothing()
    {
        var owner = await fixture.ClientAsync("dave");
        // The demo's SLA definition and services count on business-hours.
        var refused = await owner.DeleteAsync("/api/calendars/business-hours", Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var detail = (await ReadAsync(refused))["detail"]!.GetValue<string>();
        Assert.Contains("SLA definitions standard", detail, StringComparison.Ordinal);
        Assert.Contains("services ", detail, StringComparison.Ordinal);
        await OkAsync(await owner.GetAsync("/api/calendars/business-hours", Ct));

        // A running clock on a calendar named by an expression (so no definition names it literally).
        var name = "clock-" + Guid.NewGuid().ToString("N")[..8];
        await OkAsync(await owner.PutAsync($"/api/calendars/{name}", Body("""{ "hours": { "monday": ["09:00-17:00"] } }"""), Ct));
        var (client, id) = await MailWorkflows.PublishAsync(fixture, $$"""
            { "definitionId": "{{MailWorkflows.NewId()}}", "name": "clock on a calendar",
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "Sla1", "type": "Itsm.StartSla",
                  "clock": { "typeName": "String", "expression": { "type": "Literal", "value": "resolution" } },
                  "target": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "04:00:00" } },
                  "calendar": { "typeName": "String", "expression": { "type": "JavaScript", "value": "'{{name}}'" } } },
                { "id": "Wait1", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "never" } } } ],
              "connections": [ { "source": { "activity": "Sla1", "port": "Done" }, "target": { "activity": "Wait1", "port": "In" } } ] } }
            """);
        var instanceId = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>();
        refused = await owner.DeleteAsync($"/api/calendars/{name}", Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        detail = (await ReadAsync(refused))["detail"]!.GetValue<string>();
        Assert.Contains($"running SLA clocks of {instanceId}", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("workflow versions", detail, StringComparison.Ordinal);
        await OkAsync(await owner.GetAsync($"/api/calendars/{name}", Ct));

        // A draft that names it literally holds it too; once nothing uses it, it goes.
        await OkAsync(await owner.PostJsonAsync($"/api/instances/{instanceId}/cancel", new { }));
        var draft = MailWorkflows.NewId();
        await OkAsync(await owner.PostAsync("/api/definitions", Body($$"""
            { "definitionId": "{{draft}}", "name": "literal calendar",
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "Sla1", "type": "Itsm.StartSla", "target": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "04:00:00" } },
                  "calendar": { "typeName": "String", "expression": { "type": "Literal", "value": "{{name}}" } } } ], "connections": [] } }
            """), Ct));
        refused = await owner.DeleteAsync($"/api/calendars/{name}", Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        detail = (await ReadAsync(refused))["detail"]!.GetValue<string>();
        Assert.Contains($"workflow versions {draft} v1", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("running SLA clocks", detail, StringComparison.Ordinal);
        await OkAsync(await owner.PostAsync($"/api/definitions/{draft}/publish", null, Ct));
        await OkAsync(await owner.PostAsync($"/api/definitions/{draft}/retire", null, Ct));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/calendars/{name}", Ct)).StatusCode);
    }

    [Fact]
    public async Task ApprovalDueTime_CountsInTheDemoCalendar()
    {
        fixture.EngineClock.SetUtcNow(DateTimeOffset.Parse("2027-11-26T16:30:00Z", System.Globalization.CultureInfo.InvariantCulture)); // a Friday, 16:30 in London
        var definition = $$"""
            { "definitionId": "{{MailWorkflows.NewId()}}", "name": "calendar approval",
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "Approve1", "type": "Itsm.RequestApproval",
                  "approvers": { "typeName": "String[]", "expression": { "type": "Literal", "value": "carol" } },
                  "title": { "typeName": "String", "expression": { "type": "Literal", "value": "Monitor for Bob" } },
                  "dueIn": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "04:00:00" } },
                  "calendar": { "typeName": "String", "expression": { "type": "Literal", "value": "business-hours" } } } ],
              "connections": [] } }
            """;
        var (client, id) = await MailWorkflows.PublishAsync(fixture, definition);
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));

        // One hour on Friday, three on Monday: due Monday 12:00 London (GMT in November).
        var timer = started["bookmarks"]!.AsArray().Single(b => b!["dueAt"] is not null)!;
        Assert.Equal(DateTimeOffset.Parse("2027-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), timer["dueAt"]!.GetValue<DateTimeOffset>());
        await MailWorkflows.DeliverAsync(fixture);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var instanceId = started["instance"]!["id"]!.GetValue<string>();
        Assert.Equal(DateTimeOffset.Parse("2027-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), await db.Approvals.Where(a => a.InstanceId == instanceId).Select(a => a.DueAt).SingleAsync(Ct));
    }
}

public sealed class CalendarSqliteTests(SqliteServerFixture fixture) : CalendarTests<SqliteServerFixture>(fixture);

public sealed class CalendarPostgresTests(PostgresServerFixture fixture) : CalendarTests<PostgresServerFixture>(fixture);
