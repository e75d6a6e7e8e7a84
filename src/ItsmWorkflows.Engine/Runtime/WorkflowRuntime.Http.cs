using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>Inbound HTTP requests: resuming the instances waiting at a route, or starting the definitions it triggers.</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>Resumes every HttpEndpoint bookmark waiting at a route (its stimulus: method and path) with the request.</summary>
    public ValueTask<IReadOnlyList<RunResult>> ResumeHttpWaitersAsync(string httpStimulus, JsonNode? payload, CancellationToken cancellationToken = default) =>
        ResumeHttpWaitersAsync(httpStimulus, payload, static _ => true, cancellationToken);

    /// <summary>
    /// Resumes the instances waiting at an HTTP route whose bookmark <paramref name="admit"/> lets the caller resume (the
    /// host's authorization decision). Fails with <see cref="InstanceFaultedException"/> when every one of them still
    /// waiting is stopped by an incident, as a single such waiter does: the request was theirs, and an empty answer
    /// would have the host start a new instance at the route, or answer "not found", instead of saying why.
    /// </summary>
    public async ValueTask<IReadOnlyList<RunResult>> ResumeHttpWaitersAsync(string httpStimulus, JsonNode? payload, Func<BookmarkLocation, bool> admit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpStimulus);
        ArgumentNullException.ThrowIfNull(admit);
        var hash = StimulusHash.Compute("Elsa.HttpEndpoint", httpStimulus);
        var found = await instances.FindBookmarksAsync(hash, null, cancellationToken);
        var faulted = new List<BookmarkLocation>();
        // Faulted waiters are listed, a lone one too: its own message names its instance, and the caller at a route
        // (anonymous, often) gets the route's below.
        var results = await ResumeAllAsync([.. found.Where(admit)], payload, faulted, cancellationToken);
        if (results.Count == 0 && faulted.Count > 0)
        {
            var stopped = faulted.Select(f => f.InstanceId).Distinct(StringComparer.Ordinal).Count();
            var colon = httpStimulus.IndexOf(':', StringComparison.Ordinal);
            var route = colon < 0 ? httpStimulus : httpStimulus[..colon] + " " + httpStimulus[(colon + 1)..];
            throw new InstanceFaultedException(
                $"Every instance waiting for {route} is stopped by an incident ({stopped} {(stopped == 1 ? "instance" : "instances")}); an operator must retry or cancel the incidents before they can take this request. Nothing was started.");
        }
        return results;
    }

    /// <summary>Answers an inbound HTTP request: resumes instances waiting at the route, else starts published definitions whose trigger matches.</summary>
    public async ValueTask<IReadOnlyList<RunResult>> HandleHttpAsync(string method, string path, JsonObject request, IEnumerable<WorkflowDefinition> published, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(published);
        var hash = StimulusHash.Compute("Elsa.HttpEndpoint", HttpEndpoint.Stimulus(method, path));
        var waiting = await instances.FindBookmarksAsync(hash, null, cancellationToken);
        if (waiting.Count > 0) return await ResumeAllAsync(waiting, request, cancellationToken);
        var results = new List<RunResult>();
        foreach (var definition in published)
        {
            var plan = await GetPlanAsync(definition, cancellationToken);
            foreach (var trigger in TriggerIndexer.Index(plan).Where(t => t.StimulusHash == hash))
            {
                results.Add(await StartAsync(definition.DefinitionId, new StartOptions { VersionId = definition.Id, TriggerActivityId = trigger.ActivityId, TriggerPayload = request }, cancellationToken));
            }
        }
        return results;
    }
}
