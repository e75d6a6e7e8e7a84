using Hangfire;
using ItsmWorkflows.Server.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Timers and dispatched children through the job layer, on each provider. The tests move the engine's clock and run the jobs themselves.</summary>
public abstract class JobTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static string NewId() => "job-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>This server's own job storage (JobStorage.Current is process-wide, and test servers run side by side).</summary>
    private Hangfire.Storage.IMonitoringApi Monitoring => fixture.Factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();

    private static string DelayDefinition(string id, string duration) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Wait", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "{{duration}}" } } },
          { "id": "After", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "after" } } } ],
          "connections": [ { "source": { "activity": "Wait", "port": "Done" }, "target": { "activity": "After", "port": "In" } } ] } }
        """;

    private async Task<(HttpClient Client, string InstanceId)> StartAsync(string json)
    {
        var client = await fixture.ClientAsync("dave");
        var created = await OkAsync(await client.PostAsync("/api/definitions", Body(json), Ct));
        var id = created["version"]!["definitionId"]!.GetValue<string>();
        await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        return (client, started["instance"]!["id"]!.GetValue<string>());
    }

    private async Task<int> SweepAsync()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TimerSweepJob>().RunAsync(Ct);
    }

    private static async Task<string> SubStatusAsync(HttpClient client, string instanceId) =>
        (await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct)))["instance"]!["subStatus"]!.GetValue<string>();

    [Fact]
    public async Task Delay_CommitsATimerRow_AndThePumpFiresItWhenDue_NotBefore()
    {
        var (client, instanceId) = await StartAsync(DelayDefinition(NewId(), "3.00:00:00"));
        Assert.Equal("Suspended", await SubStatusAsync(client, instanceId));
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
            var timer = db.Timers.Single(t => t.InstanceId == instanceId);
            Assert.Equal(fixture.EngineClock.GetUtcNow().AddDays(3), timer.DueAt, TimeSpan.FromMilliseconds(1));
        }
        var pump = fixture.Factory.Services.GetRequiredService<TimerPump>();
        fixture.EngineClock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMilliseconds(2));
        await pump.PumpOnceAsync(Ct);
        Assert.Equal("Suspended", await SubStatusAsync(client, instanceId));
        // Stores keep less precision than ticks; a timer picked up a fraction early waits again, so give it the last millisecond.
        fixture.EngineClock.Advance(TimeSpan.FromMilliseconds(3));
        Assert.True(await pump.PumpOnceAsync(Ct) >= 1);
        Assert.Equal("Finished", await SubStatusAsync(client, instanceId));
    }

    [Fact]
    public async Task FiringATimer_Early_WaitsAgain_Twice_FiresOnce()
    {
        var (client, instanceId) = await StartAsync(DelayDefinition(NewId(), "01:00:00"));
        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct));
        var bookmarkId = detail["bookmarks"]![0]!["id"]!.GetValue<string>();
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            // Hangfire may fire up to a second early: the timer must not complete.
            await scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Engine.Runtime.WorkflowRuntime>().FireTimerAsync(instanceId, bookmarkId, Ct);
        }
        Assert.Equal("Suspended", await SubStatusAsync(client, instanceId));

        fixture.EngineClock.Advance(TimeSpan.FromHours(1));
        var current = (await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct)))["bookmarks"]![0]!["id"]!.GetValue<string>();
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var runtime = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Engine.Runtime.WorkflowRuntime>();
            await runtime.FireTimerAsync(instanceId, current, Ct);
            await runtime.FireTimerAsync(instanceId, current, Ct);
        }
        var finished = await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct));
        Assert.Equal("Finished", finished["instance"]!["subStatus"]!.GetValue<string>());
        Assert.Single(finished["journal"]!.AsArray(), j => j!["activityId"]!.GetValue<string>() == "After" && j["event"]!.GetValue<string>() == "Completed");
    }

    [Fact]
    public async Task Sweep_FiresTimersWhoseJobWasLost_ForDelaysOfMonths()
    {
        var (client, instanceId) = await StartAsync(DelayDefinition(NewId(), "90.00:00:00"));
        fixture.EngineClock.Advance(TimeSpan.FromDays(90) - TimeSpan.FromSeconds(1));
        await SweepAsync();
        Assert.Equal("Suspended", await SubStatusAsync(client, instanceId));
        fixture.EngineClock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await SweepAsync() >= 1);
        Assert.Equal("Finished", await SubStatusAsync(client, instanceId));
        await SweepAsync();
        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct));
        Assert.Single(detail["journal"]!.AsArray(), j => j!["activityId"]!.GetValue<string>() == "After" && j["event"]!.GetValue<string>() == "Completed");
    }

    [Fact]
    public async Task DispatchWorkflow_IsCommittedWithTheParent_AndTheOutboxStartsTheChildOnce()
    {
        var client = await fixture.ClientAsync("dave");
        var child = NewId();
        await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", Body(Definition(child, "child ran")), Ct));
        var parentJson = $$"""
            { "definitionId": "{{NewId()}}", "name": "parent", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "D", "type": "Elsa.DispatchWorkflow", "workflowDefinitionId": { "typeName": "String", "expression": { "type": "Literal", "value": "{{child}}" } },
                "waitForCompletion": { "typeName": "Boolean", "expression": { "type": "Literal", "value": true } } } ], "connections": [] } }
            """;
        var (_, parentId) = await StartAsync(parentJson);

        // The dispatch request is an outbox row written in the parent's own transaction: no job to lose between commit and enqueue.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
            var row = await db.Outbox.AsNoTracking().SingleAsync(o => o.InstanceId == parentId, Ct);
            Assert.Equal(ItsmWorkflows.Engine.Runtime.DispatchOutbox.Kind, row.Kind);
            Assert.Null(row.ProcessedAt);
        }
        Assert.Equal("Suspended", await SubStatusAsync(client, parentId));

        // Delivered twice (a redelivery after a crash): the child starts once, finishes, and resumes its parent.
        await MailWorkflows.DeliverAsync(fixture);
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
            await db.Outbox.Where(o => o.InstanceId == parentId).ExecuteUpdateAsync(u => u.SetProperty(o => o.ProcessedAt, (DateTimeOffset?)null), Ct);
        }
        await MailWorkflows.DeliverAsync(fixture);
        Assert.Equal("Finished", await SubStatusAsync(client, parentId));
        var children = await OkAsync(await client.GetAsync($"/api/instances?definitionId={child}&includeTotal=true", Ct));
        Assert.Equal(1, children["total"]!.GetValue<int>());
    }

    /// <summary>Waits an hour on one branch; on the other, waits for an event and then faults.</summary>
    private static string FaultsOnEvent(string id, string eventName) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Fork", "id": "F",
          "joinMode": { "typeName": "String", "expression": { "type": "Literal", "value": "WaitAll" } },
          "branches": [
            { "type": "Elsa.Sequence", "id": "Timed", "activities": [
              { "id": "Wait", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "01:00:00" } } },
              { "id": "After", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "after" } } } ] },
            { "type": "Elsa.Sequence", "id": "Told", "activities": [
              { "id": "Ev", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{eventName}}" } } },
              { "id": "Boom", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": "(() => { throw new Error('boom'); })()" } } } ] } ] } }
        """;

    [Fact]
    public async Task ATimerOfAnInstanceStoppedByAnIncident_DoesNotHoldUpOtherTimers_AndIsSetAside()
    {
        var eventName = "boom-" + Guid.NewGuid().ToString("N")[..8];
        var (client, faulted) = await StartAsync(FaultsOnEvent(NewId(), eventName));
        var (_, healthy) = await StartAsync(DelayDefinition(NewId(), "01:00:00"));
        await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = eventName }));
        Assert.Equal("Faulted", await SubStatusAsync(client, faulted));

        // A stimulus for the stopped instance is a 409 that says why, not a 500.
        var bookmark = (await OkAsync(await client.GetAsync($"/api/instances/{faulted}", Ct)))["bookmarks"]!.AsArray().Single(b => b!["activityId"]!.GetValue<string>() == "Wait")!["id"]!.GetValue<string>();
        var refused = await client.PostJsonAsync($"/api/instances/{faulted}/bookmarks/{bookmark}/resume", new { });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("incident", (await ReadAsync(refused))["detail"]!.GetValue<string>());

        fixture.EngineClock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(5));
        var pump = fixture.Factory.Services.GetRequiredService<TimerPump>();
        await pump.PumpOnceAsync(Ct); // the faulted instance's timer is claimed with the healthy one's
        Assert.Equal("Finished", await SubStatusAsync(client, healthy));
        Assert.Equal("Faulted", await SubStatusAsync(client, faulted));
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
            var timer = await db.Timers.SingleAsync(t => t.InstanceId == faulted, Ct);
            Assert.Null(timer.FiredAt);
            Assert.Equal(fixture.EngineClock.GetUtcNow() + TimerPump.FaultedRecheck, timer.ClaimedUntil!.Value, TimeSpan.FromMilliseconds(5));
        }
        // Set aside: the next polls do not take it again (they used to, and fail with it, four times a second).
        var ownTimers = async () =>
        {
            await using var scope = fixture.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
            return await db.Timers.Where(t => t.InstanceId == faulted).Select(t => t.ClaimedUntil).SingleAsync(Ct);
        };
        var setAside = await ownTimers();
        fixture.EngineClock.Advance(TimeSpan.FromSeconds(30));
        await pump.PumpOnceAsync(Ct);
        Assert.Equal(setAside, await ownTimers());
        fixture.EngineClock.Advance(TimerPump.FaultedRecheck);
        await pump.PumpOnceAsync(Ct);
        Assert.True(await ownTimers() > setAside); // looked at again, still stopped, set aside again
    }

}

public sealed class JobSqliteTests(SqliteServerFixture fixture) : JobTests<SqliteServerFixture>(fixture);

public sealed class JobPostgresTests(PostgresServerFixture fixture) : JobTests<PostgresServerFixture>(fixture);
