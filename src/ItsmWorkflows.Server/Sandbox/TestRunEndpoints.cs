using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Validation;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Definitions;
using ItsmWorkflows.Server.Identity;

namespace ItsmWorkflows.Server.Sandbox;

internal sealed record StartTestRunRequest(JsonObject? Input, string? CorrelationId);

internal sealed record AdvanceRequest(string? By, bool? ToNextTimer);

internal sealed record ResumeTestRunRequest(string BookmarkId, JsonNode? Payload);

/// <summary>
/// /api/definitions/{id}/test-runs and /api/test-runs/{runId}: run a definition's latest version (the draft)
/// in a sandbox with a clock that moves only when asked; answer its approvals, tasks and events; see its path,
/// its journal and the emails it would have sent. Process owners and admins only.
/// </summary>
internal static class TestRunEndpoints
{
    public static void MapTestRunEndpoints(this WebApplication app)
    {
        app.MapPost("/api/definitions/{definitionId}/test-runs", StartAsync).WithTags("Test runs").RequireAuthorization(Policies.DesignWorkflows)
            .WithSummary("Starts a test run of the latest version (the draft) with a simulated clock; nothing leaves the sandbox. A draft that does not validate is refused with its errors, as publishing refuses it.");
        var runs = app.MapGroup("/api/test-runs/{runId}").WithTags("Test runs").RequireAuthorization(Policies.DesignWorkflows);
        runs.MapGet("", async (string runId, ClaimsPrincipal user, TestRuns all, CancellationToken ct) => await WithAsync(all, runId, user, run => Task.CompletedTask, ct));
        runs.MapPost("/advance", async (string runId, AdvanceRequest body, ClaimsPrincipal user, TestRuns all, CancellationToken ct) =>
            await WithAsync(all, runId, user, async run =>
            {
                TimeSpan by;
                if (body.ToNextTimer == true)
                {
                    var next = await run.NextDueAtAsync(ct) ?? throw ProblemException.Conflict("Nothing in this run waits on a timer.");
                    by = next - run.Clock.GetUtcNow();
                    if (by < TimeSpan.Zero) by = TimeSpan.Zero;
                }
                else if (!TimeSpan.TryParse(body.By, CultureInfo.InvariantCulture, out by))
                {
                    throw ProblemException.BadRequest("Say how far to move the clock ('by'), such as 01:00:00 or 3.00:00:00, or ask for the next timer ('toNextTimer': true).");
                }
                else if (by <= TimeSpan.Zero)
                {
                    // Timers that fired cannot be unfired, so a run's clock never goes back; the way back is a new run.
                    throw ProblemException.BadRequest("The clock only moves forward: 'by' must be positive, e.g. 01:00:00");
                }
                else if (by > TimeSpan.FromDays(3650))
                {
                    throw ProblemException.BadRequest("The clock moves at most ten years at a time ('by' up to 3650.00:00:00).");
                }
                await run.AdvanceAsync(by, ct);
            }, ct)).WithSummary("Moves the run's clock (by a time span, or to the next timer) and fires what falls due.");
        runs.MapPost("/resume", async (string runId, ResumeTestRunRequest body, ClaimsPrincipal user, TestRuns all, CancellationToken ct) =>
            await WithAsync(all, runId, user, async run =>
            {
                if (string.IsNullOrWhiteSpace(body.BookmarkId)) throw ProblemException.BadRequest("Say which wait to answer ('bookmarkId', from the run's waits).");
                if (!await run.ResumeAsync(body.BookmarkId, body.Payload, ct)) throw ProblemException.Conflict("That step is no longer waiting; reload the run.");
            }, ct)).WithSummary("Answers one wait: an approval ({ approver, decision }), a task ({ state, by, notes }), an event (its payload).");
        runs.MapDelete("", (string runId, ClaimsPrincipal user, TestRuns all) =>
            all.Remove(runId, user.Identity!.Name!) ? Results.NoContent() : throw ProblemException.NotFound($"There is no test run {runId} of yours."));
    }

    private static async Task<IResult> StartAsync(string definitionId, StartTestRunRequest? body, ClaimsPrincipal user, DefinitionService definitions,
        ActivityRegistry registry, WorkflowValidator validator, WorkflowServices host, TestRuns all, CancellationToken ct)
    {
        var record = await definitions.FindAsync(definitionId, null, ct);
        var definition = WorkflowDefinitionJson.Parse(record.Json);
        // Refused as publishing refuses it, with the same issues: a run of an invalid draft would only fault at the first broken
        // activity and show one problem where the designer needs them all. Warnings do not stop a run.
        var validation = await validator.ValidateAsync(definition, ct);
        if (!validation.IsValid)
        {
            throw ProblemException.Invalid(
                $"Version {record.Version} of '{definitionId}' cannot be test-run until it is valid: {string.Join(" ", validation.Errors.Select(e => e.Message))}",
                new Dictionary<string, object?> { ["errors"] = validation.Errors.ToList() });
        }
        var run = new TestRun(Guid.NewGuid().ToString("N"), user.Identity!.Name!, definition, host, registry, host.Time.GetUtcNow());
        await run.StartAsync(body?.Input, body?.CorrelationId, ct);
        all.Add(run);
        return Results.Created($"/api/test-runs/{run.Id}", await run.ViewAsync(ct));
    }

    private static async Task<JsonObject> WithAsync(TestRuns all, string runId, ClaimsPrincipal user, Func<TestRun, Task> action, CancellationToken ct)
    {
        var run = all.Find(runId, user.Identity!.Name!) ?? throw ProblemException.NotFound($"There is no test run {runId} of yours; runs are dropped after an hour unused.");
        await run.Lock.WaitAsync(ct);
        try
        {
            await action(run);
            return await run.ViewAsync(ct);
        }
        finally
        {
            run.Lock.Release();
        }
    }
}
