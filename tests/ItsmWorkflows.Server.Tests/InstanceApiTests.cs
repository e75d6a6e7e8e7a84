using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>/api/instances against each database provider.</summary>
public abstract class InstanceApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static string NewId() => "inst-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<(HttpClient Client, string DefinitionId)> PublishedAsync(string json)
    {
        var client = await fixture.ClientAsync("dave");
        var created = await OkAsync(await client.PostAsync("/api/definitions", Body(json), Ct));
        var id = created["version"]!["definitionId"]!.GetValue<string>();
        await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        return (client, id);
    }

    [Fact]
    public async Task Start_RunsToTheEnd_AndGetShowsJournal()
    {
        var (client, id) = await PublishedAsync(Definition(NewId(), "hello"));
        var started = await client.PostJsonAsync("/api/instances", new { definitionId = id, correlationId = "REQ-1" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var body = await OkAsync(started);
        Assert.Equal("Finished", body["instance"]!["status"]!.GetValue<string>());
        var instanceId = body["instance"]!["id"]!.GetValue<string>();

        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct));
        Assert.Equal("REQ-1", detail["instance"]!["correlationId"]!.GetValue<string>());
        var journal = detail["journal"]!.AsArray();
        Assert.Contains(journal, j => j!["activityId"]!.GetValue<string>() == "Write1" && j["event"]!.GetValue<string>() == "Completed");
    }

    [Fact]
    public async Task Start_KeepsThePublishedVersionsPlan()
    {
        // Plans of drafts are never kept (PlanCache); a published version's is, or every start would compile it again.
        var (client, id) = await PublishedAsync(Definition(NewId(), "kept"));
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        var versionId = (await OkAsync(await client.GetAsync($"/api/definitions/{id}", Ct)))["version"]!["versionId"]!.GetValue<string>();
        Assert.Equal("Finished", started["instance"]!["status"]!.GetValue<string>());
        Assert.True(fixture.Factory.Services.GetRequiredService<ItsmWorkflows.Engine.Planning.PlanCache>().TryGet(versionId, out _));
    }

    [Fact]
    public async Task Resume_OnARetiredVersion_KeepsItsPlan()
    {
        // A retired latest version's JSON reads "latest, not published" like a draft; it is not one, and running
        // instances of it must not compile it on every step.
        var eventName = "retired-" + Guid.NewGuid().ToString("N")[..6];
        var (client, id) = await PublishedAsync(EventDefinition(NewId(), eventName));
        await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        var versionId = (await OkAsync(await client.PostAsync($"/api/definitions/{id}/retire", null, Ct)))["version"]!["versionId"]!.GetValue<string>();
        var plans = fixture.Factory.Services.GetRequiredService<ItsmWorkflows.Engine.Planning.PlanCache>();
        plans.Evict(versionId);

        var resumed = await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = eventName }));

        Assert.Equal("Finished", resumed[0]!["status"]!.GetValue<string>());
        Assert.True(plans.TryGet(versionId, out _));
    }

    [Fact]
    public async Task Start_UnknownOrUnpublished_IsClear()
    {
        var client = await fixture.ClientAsync("dave");
        var unknown = await client.PostJsonAsync("/api/instances", new { definitionId = NewId() });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var draftId = NewId();
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(draftId)), Ct));
        var draft = await client.PostJsonAsync("/api/instances", new { definitionId = draftId });
        Assert.Equal(HttpStatusCode.Conflict, draft.StatusCode);
        Assert.Contains("no published version", (await ReadAsync(draft))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Event_ResumesOnlyTheCorrelatedInstance_Once()
    {
        var eventName = "approved-" + Guid.NewGuid().ToString("N")[..6];
        var (client, id) = await PublishedAsync(EventDefinition(NewId(), eventName));
        var a = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id, correlationId = "A" })))["instance"]!["id"]!.GetValue<string>();
        var b = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id, correlationId = "B" })))["instance"]!["id"]!.GetValue<string>();

        var resumed = (await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = eventName, correlationId = "A", payload = new { ok = true } }))).AsArray();
        Assert.Equal(a, Assert.Single(resumed)!["id"]!.GetValue<string>());
        Assert.Equal("Finished", (await OkAsync(await client.GetAsync($"/api/instances/{a}", Ct)))["instance"]!["status"]!.GetValue<string>());
        Assert.Equal("Suspended", (await OkAsync(await client.GetAsync($"/api/instances/{b}", Ct)))["instance"]!["subStatus"]!.GetValue<string>());

        var again = (await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = eventName, correlationId = "A" }))).AsArray();
        Assert.Empty(again);
    }

    [Fact]
    public async Task Resume_ConsumedBookmark_Is409_AndNeverRunsTwice()
    {
        var (client, id) = await PublishedAsync(EventDefinition(NewId(), "go"));
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        var instanceId = started["instance"]!["id"]!.GetValue<string>();
        var bookmarkId = started["bookmarks"]![0]!["id"]!.GetValue<string>();

        await OkAsync(await client.PostJsonAsync($"/api/instances/{instanceId}/bookmarks/{bookmarkId}/resume", new { payload = new { n = 1 } }));
        var second = await client.PostJsonAsync($"/api/instances/{instanceId}/bookmarks/{bookmarkId}/resume", new { payload = new { n = 2 } });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct));
        Assert.Single(detail["journal"]!.AsArray(), j => j!["activityId"]!.GetValue<string>() == "Write1" && j["event"]!.GetValue<string>() == "Completed");
    }

    [Fact]
    public async Task ConcurrentResumes_OnlyOneCommits()
    {
        var (client, id) = await PublishedAsync(EventDefinition(NewId(), "race"));
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        var instanceId = started["instance"]!["id"]!.GetValue<string>();
        var bookmarkId = started["bookmarks"]![0]!["id"]!.GetValue<string>();
        var other = await fixture.ClientAsync("erin");
        var responses = await Task.WhenAll(
            client.PostJsonAsync($"/api/instances/{instanceId}/bookmarks/{bookmarkId}/resume", new { }),
            other.PostJsonAsync($"/api/instances/{instanceId}/bookmarks/{bookmarkId}/resume", new { }));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct));
        Assert.Single(detail["journal"]!.AsArray(), j => j!["activityId"]!.GetValue<string>() == "Event1" && j["event"]!.GetValue<string>() == "Resumed");
    }

    [Fact]
    public async Task Cancel_FinishesAsCancelled_AndFurtherResumeIs409()
    {
        var (client, id) = await PublishedAsync(EventDefinition(NewId(), "never"));
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        var instanceId = started["instance"]!["id"]!.GetValue<string>();
        var bookmarkId = started["bookmarks"]![0]!["id"]!.GetValue<string>();
        var cancelled = await OkAsync(await client.PostAsync($"/api/instances/{instanceId}/cancel", null, Ct));
        Assert.Equal("Cancelled", cancelled["instance"]!["subStatus"]!.GetValue<string>());
        var resume = await client.PostJsonAsync($"/api/instances/{instanceId}/bookmarks/{bookmarkId}/resume", new { });
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
    }

    [Fact]
    public async Task Fault_RecordsIncident_AndRetryRunsTheActivityAgain()
    {
        var fault = """{ "id": "Fault1", "type": "Elsa.Fault", "message": { "typeName": "String", "expression": { "type": "Literal", "value": "disk full" } } }""";
        var (client, id) = await PublishedAsync(Definition(NewId(), extraActivity: fault).Replace("\"connections\": []", "\"connections\": [ { \"source\": { \"activity\": \"Write1\", \"port\": \"Done\" }, \"target\": { \"activity\": \"Fault1\", \"port\": \"In\" } } ]"));
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        Assert.Equal("Faulted", started["instance"]!["subStatus"]!.GetValue<string>());
        var incident = started["incidents"]![0]!;
        Assert.Equal("disk full", incident["message"]!.GetValue<string>());
        var instanceId = started["instance"]!["id"]!.GetValue<string>();

        var retried = await OkAsync(await client.PostAsync($"/api/instances/{instanceId}/incidents/{incident["id"]!.GetValue<string>()}/retry", null, Ct));
        // The retry's answer lists what the retry did; the instance's journal has both attempts.
        static int Faults(JsonNode detail) => detail["journal"]!.AsArray().Count(j => j!["activityId"]!.GetValue<string>() == "Fault1" && j["event"]!.GetValue<string>() == "Faulted");
        Assert.Equal(1, Faults(retried));
        Assert.Equal(2, Faults(await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct))));
        await AssertIndexRowsMatchAsync(instanceId, expectedBookmarkActivity: null, expectedCorrelation: null);
        var retryAgain = await client.PostAsync($"/api/instances/{instanceId}/incidents/{incident["id"]!.GetValue<string>()}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, retryAgain.StatusCode);
    }

    [Fact]
    public async Task List_FiltersAndPages()
    {
        var (client, id) = await PublishedAsync(Definition(NewId()));
        for (var i = 0; i < 5; i++) await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id, correlationId = $"C{i}" }));
        var page1 = await OkAsync(await client.GetAsync($"/api/instances?definitionId={id}&pageSize=2&page=1&includeTotal=true", Ct));
        Assert.Equal(5, page1["total"]!.GetValue<int>());
        Assert.True(page1["hasMore"]!.GetValue<bool>());
        Assert.Equal(2, page1["items"]!.AsArray().Count);
        var page3 = await OkAsync(await client.GetAsync($"/api/instances?definitionId={id}&pageSize=2&page=3", Ct));
        Assert.Single(page3["items"]!.AsArray());
        Assert.False(page3["hasMore"]!.GetValue<bool>());
        Assert.Null(page3["total"]);
        var byCorrelation = await OkAsync(await client.GetAsync($"/api/instances?definitionId={id}&correlationId=C3", Ct));
        Assert.Equal("C3", Assert.Single(byCorrelation["items"]!.AsArray())!["correlationId"]!.GetValue<string>());
        var finished = await OkAsync(await client.GetAsync($"/api/instances?definitionId={id}&status=Finished&version=1&includeTotal=true", Ct));
        Assert.Equal(5, finished["total"]!.GetValue<int>());
        var future = await OkAsync(await client.GetAsync($"/api/instances?definitionId={id}&includeTotal=true&createdFrom={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}", Ct));
        Assert.Equal(0, future["total"]!.GetValue<int>());
        var badStatus = await client.GetAsync("/api/instances?status=Sleeping", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
    }

    [Fact]
    public async Task IndexTables_MirrorTheStateAcrossBursts_AndAStaleSaveWritesNothing()
    {
        // Waits for "first" (correlated A), re-correlates to B, waits for "second", then finishes.
        var first = "first-" + Guid.NewGuid().ToString("N")[..6];
        var second = "second-" + Guid.NewGuid().ToString("N")[..6];
        var (client, id) = await PublishedAsync($$"""
            { "definitionId": "{{NewId()}}", "name": "two waits",
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "E1", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{first}}" } } },
                { "id": "C1", "type": "Elsa.Correlate", "correlationId": { "typeName": "String", "expression": { "type": "Literal", "value": "B-{{second}}" } } },
                { "id": "E2", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{second}}" } } },
                { "id": "W1", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "done" } } } ],
              "connections": [
                { "source": { "activity": "E1", "port": "Done" }, "target": { "activity": "C1", "port": "In" } },
                { "source": { "activity": "C1", "port": "Done" }, "target": { "activity": "E2", "port": "In" } },
                { "source": { "activity": "E2", "port": "Done" }, "target": { "activity": "W1", "port": "In" } } ] } }
            """);
        var instanceId = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id, correlationId = "A-" + first })))["instance"]!["id"]!.GetValue<string>();
        await AssertIndexRowsMatchAsync(instanceId, expectedBookmarkActivity: "E1", expectedCorrelation: "A-" + first);

        Assert.Single((await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = first, correlationId = "A-" + first }))).AsArray());
        await AssertIndexRowsMatchAsync(instanceId, expectedBookmarkActivity: "E2", expectedCorrelation: "B-" + second);

        // A save over a revision that is no longer stored is refused whole: the row, bookmarks and journal stay as they were.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Engine.Runtime.IWorkflowInstanceStore>();
            var (state, revision) = (await store.FindAsync(instanceId, Ct))!.Value;
            state.Name = "stale write";
            state.Bookmarks.Clear();
            await Assert.ThrowsAsync<ItsmWorkflows.Engine.Runtime.ConcurrencyException>(async () => await store.SaveAsync(state, revision - 1, Ct));
        }
        await AssertIndexRowsMatchAsync(instanceId, expectedBookmarkActivity: "E2", expectedCorrelation: "B-" + second);
        Assert.NotEqual("stale write", (await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct)))["instance"]!["name"]?.GetValue<string>());

        Assert.Single((await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = second, correlationId = "B-" + second }))).AsArray());
        await AssertIndexRowsMatchAsync(instanceId, expectedBookmarkActivity: null, expectedCorrelation: null);
    }

    /// <summary>The bookmarks, incidents and journal tables hold exactly what the stored state holds: no duplicate, no leftover.</summary>
    private async Task AssertIndexRowsMatchAsync(string instanceId, string? expectedBookmarkActivity, string? expectedCorrelation)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Engine.Runtime.IWorkflowInstanceStore>();
        var (state, _) = (await store.FindAsync(instanceId, Ct))!.Value;
        var bookmarks = await db.Bookmarks.AsNoTracking().Where(b => b.InstanceId == instanceId).ToListAsync(Ct);
        Assert.Equal(state.Bookmarks.Select(b => b.Id).Order(), bookmarks.Select(b => b.Id).Order());
        if (expectedBookmarkActivity is null)
        {
            Assert.Empty(bookmarks);
        }
        else
        {
            var bookmark = Assert.Single(bookmarks);
            Assert.Equal(expectedBookmarkActivity, bookmark.ActivityId);
            Assert.Equal(expectedCorrelation, bookmark.CorrelationId);
        }
        var incidents = await db.Incidents.AsNoTracking().Where(i => i.InstanceId == instanceId).ToListAsync(Ct);
        // Within a millisecond: PostgreSQL keeps microseconds and SQLite milliseconds of the engine's 100 ns clock.
        Assert.Equal(state.Incidents.Select(i => i.Id).Order(), incidents.Select(i => i.Id).Order());
        Assert.All(incidents, row =>
        {
            var expected = state.Incidents.Single(i => i.Id == row.Id).ResolvedAt;
            Assert.Equal(expected is null, row.ResolvedAt is null);
            if (expected is { } at) Assert.True(Math.Abs((at - row.ResolvedAt!.Value).TotalMilliseconds) < 1, $"resolved at {row.ResolvedAt:O}, state says {at:O}");
        });
        // The journal lives in its table only, every entry once and in order; the stored state does not repeat it.
        var journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).Select(j => j.Sequence).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(1, (int)state.JournalSequence).Select(i => (long)i), journal);
        Assert.Empty(state.Journal);
    }

    [Fact]
    public async Task UnknownInstance_Is404ProblemDetails()
    {
        var client = await fixture.ClientAsync("dave");
        var response = await client.GetAsync("/api/instances/nope", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}

public sealed class InstanceApiSqliteTests(SqliteServerFixture fixture) : InstanceApiTests<SqliteServerFixture>(fixture);

public sealed class InstanceApiPostgresTests(PostgresServerFixture fixture) : InstanceApiTests<PostgresServerFixture>(fixture);
