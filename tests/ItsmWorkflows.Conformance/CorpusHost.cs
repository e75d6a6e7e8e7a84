using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Engine.Validation;

namespace ItsmWorkflows.Conformance;

/// <summary>One scenario's engine: in-memory stores, a manual clock, captured output, and the corpus folder.</summary>
public sealed class CorpusHost
{
    public CorpusHost(string corpusRoot)
    {
        CorpusRoot = corpusRoot;
        Services = new WorkflowServices { Time = Clock, Lines = Output };
        Runtime = new WorkflowRuntime(Definitions, Instances, Registry, Services);
    }

    public string CorpusRoot { get; }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public LineCapture Output { get; } = new();

    public InMemoryWorkflowDefinitionStore Definitions { get; } = new();

    public InMemoryWorkflowInstanceStore Instances { get; } = new();

    public ActivityRegistry Registry { get; } = ActivityRegistry.CreateDefault();

    public WorkflowServices Services { get; }

    public WorkflowRuntime Runtime { get; }

    public IReadOnlyList<string> Lines => Output.Lines;

    public static WorkflowDefinition Parse(string corpusRoot, string relativePath) =>
        WorkflowDefinitionJson.Parse(File.ReadAllBytes(Path.Combine(corpusRoot, "elsa-core", relativePath)));

    /// <summary>Imports a file as Elsa's tests do (published), or as the latest unpublished version.</summary>
    public WorkflowDefinition Load(string relativePath, bool publish = true)
    {
        var definition = Parse(CorpusRoot, relativePath);
        if (string.IsNullOrEmpty(definition.DefinitionId)) definition.DefinitionId = Guid.NewGuid().ToString("N");
        if (string.IsNullOrEmpty(definition.Id)) definition.Id = Guid.NewGuid().ToString("N");
        return Definitions.Add(definition, publish);
    }

    public async Task<ValidationResult> ValidateAsync(WorkflowDefinition definition) =>
        await new WorkflowValidator(Registry, Definitions).ValidateAsync(definition);

    /// <summary>Starts an instance and resumes every bookmark it has until it finishes or none is left (Elsa's RunWorkflowUntilEndAsync).</summary>
    public async Task<WorkflowState> RunUntilEndAsync(string definitionId, IDictionary<string, JsonNode?>? input = null)
    {
        var state = (await Runtime.StartAsync(definitionId, new StartOptions { Input = input })).State;
        for (var round = 0; round < 200 && state.Status != WorkflowStatus.Finished && state.Bookmarks.Count > 0; round++)
        {
            var bookmark = state.Bookmarks.OrderBy(b => b.DueAt ?? DateTimeOffset.MinValue).First();
            if (bookmark.DueAt is { } due) Clock.MoveTo(due);
            state = (await Runtime.ResumeAsync(state.InstanceId, bookmark.Id)).State;
        }
        return state;
    }

    public async Task<IReadOnlyList<RunResult>> HttpAsync(string method, string path, JsonObject? body = null)
    {
        var request = new JsonObject
        {
            ["method"] = method,
            ["path"] = path,
            ["routeData"] = new JsonObject(),
            ["queryStringData"] = new JsonObject(),
            ["headers"] = new JsonObject(),
            ["body"] = body,
        };
        return await Runtime.HandleHttpAsync(method, path, request, Definitions.All.Where(d => d.IsPublished));
    }
}
