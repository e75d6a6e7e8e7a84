using System.Net;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Test runs: a draft runs in a sandbox with a clock that moves on request, and nothing reaches the real stores.</summary>
public sealed class TestRunTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private const string Draft = """
        { "definitionId": "sandboxed", "name": "Sandboxed", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Ask", "type": "Itsm.RequestApproval",
            "approvers": { "typeName": "String[]", "expression": { "type": "JavaScript", "value": "['carol']" } },
            "title": { "typeName": "String", "expression": { "type": "Literal", "value": "Sandboxed laptop" } },
            "requester": { "typeName": "String", "expression": { "type": "Literal", "value": "alice" } } },
          { "id": "Later", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "01:00:00" } } },
          { "id": "Done", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "done" } } } ],
          "connections": [
            { "source": { "activity": "Ask", "port": "Approved" }, "target": { "activity": "Later", "port": "In" } },
            { "source": { "activity": "Later", "port": "Done" }, "target": { "activity": "Done", "port": "In" } } ] } }
        """;

    [Fact]
    public async Task Draft_RunsInTheSandbox_AnsweredAndFastForwarded_WithoutTouchingTheRealStores()
    {
        var dave = await fixture.ClientAsync("dave");
        await OkAsync(await dave.PostAsync("/api/definitions", Body(Draft), Ct));

        var run = await OkAsync(await dave.PostJsonAsync("/api/definitions/sandboxed/test-runs", new { }));
        var runId = run["id"]!.GetValue<string>();
        var wait = run["waits"]!.AsArray().First(w => w!["type"]!.GetValue<string>() == "Itsm.RequestApproval")!;
        Assert.Equal(["carol"], wait["pendingApprovers"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains(run["emails"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "approval-request");

        run = await OkAsync(await dave.PostJsonAsync($"/api/test-runs/{runId}/resume", new { bookmarkId = wait["bookmarkId"]!.GetValue<string>(), payload = new { approver = "carol", decision = "Approved" } }));
        var timer = Assert.Single(run["waits"]!.AsArray())!;
        Assert.Equal("Elsa.Delay", timer["type"]!.GetValue<string>());
        var before = run["now"]!.GetValue<DateTimeOffset>();

        run = await OkAsync(await dave.PostJsonAsync($"/api/test-runs/{runId}/advance", new { toNextTimer = true }));
        Assert.Equal("Finished", run["status"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromHours(1), run["now"]!.GetValue<DateTimeOffset>() - before);
        Assert.Equal("done", run["instance"]!["name"]!.GetValue<string>());

        // Nothing of the run is in the database: no instance, no approval, no outbox row.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            Assert.False(await db.Instances.AnyAsync(i => i.DefinitionId == "sandboxed", Ct));
            Assert.False(await db.Approvals.AnyAsync(a => a.Title == "Sandboxed laptop", Ct));
        }
        // A run is its owner's; bad requests say what to send.
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.ClientAsync("erin")).GetAsync($"/api/test-runs/{runId}", Ct)).StatusCode);
        var bad = await dave.PostJsonAsync($"/api/test-runs/{runId}/advance", new { by = "soon" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("01:00:00", (await ReadAsync(bad))["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAsync("alice")).PostJsonAsync("/api/definitions/sandboxed/test-runs", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await dave.DeleteAsync($"/api/test-runs/{runId}", Ct)).StatusCode);
    }

    private const string TaskDraft = """
        { "definitionId": "sandboxed-task", "name": "Sandboxed task", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Work", "type": "Itsm.CreateTask",
            "title": { "typeName": "String", "expression": { "type": "Literal", "value": "Prepare laptop" } },
            "assignmentGroup": { "typeName": "String", "expression": { "type": "Literal", "value": "Service Desk" } } },
          { "id": "Done", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "done" } } } ],
          "connections": [ { "source": { "activity": "Work", "port": "Complete" }, "target": { "activity": "Done", "port": "In" } } ] } }
        """;

    [Fact]
    public async Task ATaskThatNotifies_ShowsTheEmailTheServerWouldWrite_AndOneThatDoesNot_ShowsNone()
    {
        var dave = await fixture.ClientAsync("dave");
        var notifying = TaskDraft.Replace("\"sandboxed-task\"", "\"sandboxed-notify\"", StringComparison.Ordinal)
            .Replace("""{ "typeName": "String", "expression": { "type": "Literal", "value": "Service Desk" } } },""",
                """{ "typeName": "String", "expression": { "type": "Literal", "value": "Service Desk" } }, "notify": { "typeName": "Boolean", "expression": { "type": "Literal", "value": "true" } } },""", StringComparison.Ordinal);
        Assert.Contains("\"notify\"", notifying, StringComparison.Ordinal);

        var run = await StartAsync(dave, notifying, "sandboxed-notify", new { correlationId = "REQ0900002" });
        var quiet = await StartAsync(dave, TaskDraft.Replace("\"sandboxed-task\"", "\"sandboxed-quiet\"", StringComparison.Ordinal), "sandboxed-quiet", new { correlationId = "REQ0900003" });

        var email = Assert.Single(run["emails"]!.AsArray())!;
        Assert.Equal("task-assigned", email["kind"]!.GetValue<string>());
        Assert.StartsWith("New task for Service Desk from ", email["subject"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith(": Prepare laptop", email["subject"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["the members of Service Desk"], email["to"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Empty(quiet["emails"]!.AsArray());
    }

    [Fact]
    public async Task RaiseIncident_RaisesNothingForReal_AndGoesOnWithATestNumber()
    {
        var dave = await fixture.ClientAsync("dave");
        const string Draft = """
            { "definitionId": "sandboxed-raise", "name": "Sandboxed raise", "variables": [ { "id": "n", "name": "number", "typeName": "String" } ],
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Raise", "type": "Itsm.RaiseIncident", "title": { "typeName": "String", "expression": { "type": "Literal", "value": "Sandbox alert zq81" } },
                "service": { "typeName": "String", "expression": { "type": "Literal", "value": "network" } } },
              { "id": "Keep", "type": "Elsa.SetVariable", "variable": { "id": "n", "name": "number" },
                "value": { "typeName": "String", "expression": { "type": "JavaScript", "value": "getOutputFrom('Raise', 'number')" } } } ],
              "connections": [ { "source": { "activity": "Raise", "port": "Done" }, "target": { "activity": "Keep", "port": "In" } } ] } }
            """;
        var run = await StartAsync(dave, Draft, "sandboxed-raise");

        Assert.Equal("Finished", run["status"]!.GetValue<string>());
        Assert.Contains("\"INC-TEST-1\"", run["instance"]!.ToJsonString(), StringComparison.Ordinal); // what the next step took as the number
        Assert.Equal("incident-raise", Assert.Single(run["emails"]!.AsArray())!["kind"]!.GetValue<string>());
        Assert.Equal(0, (await OkAsync(await dave.GetAsync("/api/tickets?kind=Incident&q=zq81", Ct)))["total"]!.GetValue<int>());
    }

    private const string SlaDraft = """
        { "definitionId": "sandboxed-sla", "name": "Sandboxed SLA", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Clock", "type": "Itsm.StartSla", "clock": { "typeName": "String", "expression": { "type": "Literal", "value": "response" } },
            "target": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "01:00:00" } } },
          { "id": "Breach", "type": "Itsm.WaitForSlaThreshold", "clock": { "typeName": "String", "expression": { "type": "Literal", "value": "response" } },
            "percent": { "typeName": "Double", "expression": { "type": "Literal", "value": "100" } } } ],
          "connections": [ { "source": { "activity": "Clock", "port": "Done" }, "target": { "activity": "Breach", "port": "In" } } ] } }
        """;

    private static async Task<JsonNode> StartAsync(HttpClient client, string draft, string definitionId, object? body = null)
    {
        await OkAsync(await client.PostAsync("/api/definitions", Body(draft), Ct));
        return await OkAsync(await client.PostJsonAsync($"/api/definitions/{definitionId}/test-runs", body ?? new { }));
    }

    private static async Task<JsonNode> RefusedAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var problem = await ReadAsync(response);
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {problem.ToJsonString()}");
        return problem;
    }

    [Fact]
    public async Task Resume_ApprovalAnswerTheRealApprovalWouldRefuse_IsRefusedClearly_AndTheWaitKeepsItsId()
    {
        var dave = await fixture.ClientAsync("dave");
        var run = await StartAsync(dave, Draft.Replace("\"sandboxed\"", "\"sandboxed-answers\"", StringComparison.Ordinal), "sandboxed-answers");
        var runId = run["id"]!.GetValue<string>();
        var bookmarkId = run["waits"]!.AsArray().First(w => w!["type"]!.GetValue<string>() == "Itsm.RequestApproval")!["bookmarkId"]!.GetValue<string>();
        Task<HttpResponseMessage> Answer(object payload) => dave.PostJsonAsync($"/api/test-runs/{runId}/resume", new { bookmarkId, payload });

        var stranger = await RefusedAsync(await Answer(new { approver = "kate", decision = "approve" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("kate is not an approver", stranger["detail"]!.GetValue<string>());
        Assert.Contains("carol", stranger["detail"]!.GetValue<string>());
        var requester = await RefusedAsync(await Answer(new { approver = "alice", decision = "approve" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("alice requested this", requester["detail"]!.GetValue<string>());
        var maybe = await RefusedAsync(await Answer(new { approver = "carol", decision = "maybe" }), HttpStatusCode.BadRequest);
        Assert.Contains("'approve' or 'reject'", maybe["detail"]!.GetValue<string>());
        await RefusedAsync(await Answer(new { decision = "approve" }), HttpStatusCode.BadRequest);
        var stranger2 = await RefusedAsync(await Answer(new { approver = "carol", decision = "approve", onBehalfOf = "henry" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("henry has no open decision on this approval", stranger2["detail"]!.GetValue<string>());

        // Nothing changed: the same wait, under the same id, still takes carol's decision.
        var unchanged = await OkAsync(await dave.GetAsync($"/api/test-runs/{runId}", Ct));
        Assert.Contains(unchanged["waits"]!.AsArray(), w => w!["bookmarkId"]!.GetValue<string>() == bookmarkId);
        run = await OkAsync(await Answer(new { approver = "carol", decision = "approve" }));
        Assert.Equal("Elsa.Delay", Assert.Single(run["waits"]!.AsArray())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resume_TaskClosedAsAStateTheRealEndpointRefuses_IsRefused_AndTheTaskStaysOpen()
    {
        var dave = await fixture.ClientAsync("dave");
        var run = await StartAsync(dave, TaskDraft, "sandboxed-task", new { correlationId = "REQ0900001" });
        var runId = run["id"]!.GetValue<string>();
        var bookmarkId = Assert.Single(run["waits"]!.AsArray())!["bookmarkId"]!.GetValue<string>();
        Task<HttpResponseMessage> Answer(object payload) => dave.PostJsonAsync($"/api/test-runs/{runId}/resume", new { bookmarkId, payload });

        var done = await RefusedAsync(await Answer(new { state = "Done", by = "test run" }), HttpStatusCode.BadRequest);
        Assert.Contains("'Complete' or 'Incomplete'", done["detail"]!.GetValue<string>());
        var why = await RefusedAsync(await Answer(new { state = "Incomplete", by = "test run" }), HttpStatusCode.BadRequest);
        Assert.Contains("'notes'", why["detail"]!.GetValue<string>());

        var unchanged = await OkAsync(await dave.GetAsync($"/api/test-runs/{runId}", Ct));
        Assert.NotEqual("Finished", unchanged["status"]!.GetValue<string>());
        Assert.Equal(bookmarkId, Assert.Single(unchanged["waits"]!.AsArray())!["bookmarkId"]!.GetValue<string>());
        run = await OkAsync(await Answer(new { state = "Complete", by = "test run" }));
        Assert.Equal("Finished", run["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_OfAnInvalidDraft_IsRefusedWithTheIssues_AndStartsNothing()
    {
        var dave = await fixture.ClientAsync("dave");
        var unknown = """{ "id": "Magic1", "type": "Acme.Magic" }""";
        await OkAsync(await dave.PostAsync("/api/definitions", Body(Definition("sandboxed-invalid", extraActivity: unknown)), Ct));

        var problem = await RefusedAsync(await dave.PostJsonAsync("/api/definitions/sandboxed-invalid/test-runs", new { }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Acme.Magic", problem["detail"]!.GetValue<string>());
        Assert.Equal("Magic1", problem["errors"]![0]!["activityId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Waits_ShowEachSlaThresholdWaitOnce_WithItsDueTime()
    {
        var dave = await fixture.ClientAsync("dave");
        var run = await StartAsync(dave, SlaDraft, "sandboxed-sla");

        var wait = Assert.Single(run["waits"]!.AsArray())!;
        Assert.Equal("Itsm.WaitForSlaThreshold", wait["type"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromHours(1), wait["dueAt"]!.GetValue<DateTimeOffset>() - run["now"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Advance_Backwards_IsRefused_SayingTheClockOnlyMovesForward()
    {
        var dave = await fixture.ClientAsync("dave");
        var run = await StartAsync(dave, SlaDraft.Replace("\"sandboxed-sla\"", "\"sandboxed-clock\"", StringComparison.Ordinal), "sandboxed-clock");

        var problem = await RefusedAsync(await dave.PostJsonAsync($"/api/test-runs/{run["id"]!.GetValue<string>()}/advance", new { by = "-01:00:00" }), HttpStatusCode.BadRequest);
        Assert.Equal("The clock only moves forward: 'by' must be positive, e.g. 01:00:00", problem["detail"]!.GetValue<string>());
    }
}
