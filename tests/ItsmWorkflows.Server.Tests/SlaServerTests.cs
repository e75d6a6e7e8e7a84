using ItsmWorkflows.Server.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>An SLA clock in a hosted workflow: paused by an event through the API, breached by the timer job, on each provider.</summary>
public abstract class SlaServerTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    [Fact]
    public async Task PausedTimeDoesNotCount_AndTheBreachFiresFromTheTimerJob()
    {
        var id = "sla-" + Guid.NewGuid().ToString("N")[..10];
        var pauseEvent = "pause-" + id;
        var definition = $$"""
            { "definitionId": "{{id}}", "name": "sla", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Start1", "type": "Itsm.StartSla", "clock": { "typeName": "String", "expression": { "type": "Literal", "value": "response" } },
                "target": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "01:00:00" } } },
              { "id": "Fork", "type": "Elsa.FlowFork", "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": "[\"Watch\",\"Pause\"]" } } },
              { "id": "Full", "type": "Itsm.WaitForSlaThreshold", "clock": { "typeName": "String", "expression": { "type": "Literal", "value": "response" } },
                "percent": { "typeName": "Double", "expression": { "type": "Literal", "value": "100" } } },
              { "id": "Breach", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "response breached" } } },
              { "id": "Wait", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{pauseEvent}}" } } },
              { "id": "Pause1", "type": "Itsm.PauseSla", "clock": { "typeName": "String", "expression": { "type": "Literal", "value": "response" } } },
              { "id": "Hold", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "00:30:00" } } },
              { "id": "Resume1", "type": "Itsm.ResumeSla", "clock": { "typeName": "String", "expression": { "type": "Literal", "value": "response" } } } ],
              "connections": [
                { "source": { "activity": "Start1", "port": "Done" }, "target": { "activity": "Fork", "port": "In" } },
                { "source": { "activity": "Fork", "port": "Watch" }, "target": { "activity": "Full", "port": "In" } },
                { "source": { "activity": "Full", "port": "Reached" }, "target": { "activity": "Breach", "port": "In" } },
                { "source": { "activity": "Fork", "port": "Pause" }, "target": { "activity": "Wait", "port": "In" } },
                { "source": { "activity": "Wait", "port": "Done" }, "target": { "activity": "Pause1", "port": "In" } },
                { "source": { "activity": "Pause1", "port": "Done" }, "target": { "activity": "Hold", "port": "In" } },
                { "source": { "activity": "Hold", "port": "Done" }, "target": { "activity": "Resume1", "port": "In" } } ] } }
            """;
        var (client, _) = await MailWorkflows.PublishAsync(fixture, definition);
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        var instanceId = started["instance"]!["id"]!.GetValue<string>();

        // 20 minutes in, the clock is paused for 30 minutes; the breach moves from +60 to +90 minutes.
        fixture.EngineClock.Advance(TimeSpan.FromMinutes(20));
        Assert.Single((await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = pauseEvent }))).AsArray());
        fixture.EngineClock.Advance(TimeSpan.FromMinutes(30));
        await SweepAsync(); // the Delay ends: the clock resumes
        fixture.EngineClock.Advance(TimeSpan.FromMinutes(39));
        await SweepAsync();
        Assert.NotEqual("response breached", await NameAsync(client, instanceId));
        fixture.EngineClock.Advance(TimeSpan.FromMinutes(1));
        await SweepAsync();

        Assert.Equal("response breached", await NameAsync(client, instanceId));
    }

    private async Task SweepAsync()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TimerSweepJob>().RunAsync(Ct);
    }

    private static async Task<string?> NameAsync(HttpClient client, string instanceId) =>
        (await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct)))["instance"]!["name"]?.GetValue<string>();
}

public sealed class SlaServerSqliteTests(SqliteServerFixture fixture) : SlaServerTests<SqliteServerFixture>(fixture);

public sealed class SlaServerPostgresTests(PostgresServerFixture fixture) : SlaServerTests<PostgresServerFixture>(fixture);
