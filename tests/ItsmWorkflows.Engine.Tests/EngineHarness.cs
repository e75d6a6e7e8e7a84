using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>An engine with in-memory stores, a fake clock and captured output, as the tests use it.</summary>
public sealed class EngineHarness
{
    public EngineHarness(IHttpRequestSender? http = null, IWorkflowInstanceStore? instances = null, ItsmWorkflows.Engine.Activities.Approvals.IApproverDirectory? approvers = null,
        ItsmWorkflows.Engine.Calendars.IBusinessCalendarProvider? calendars = null, Func<Exception, bool>? isTransient = null, Func<string, string?>? ticketUrl = null,
        ItsmWorkflows.Engine.Activities.Tickets.ITicketDirectory? tickets = null, TimeZoneInfo? timeZone = null,
        ItsmWorkflows.Engine.Activities.Tickets.IIncidentIntake? incidentIntake = null)
    {
        Services = new WorkflowServices
        {
            Time = Clock, Lines = Output, Http = http, RetryDelay = (_, _) => Task.CompletedTask,
            Approvers = approvers ?? ItsmWorkflows.Engine.Activities.Approvals.LiteralApproverDirectory.Instance,
            Calendars = calendars ?? new ItsmWorkflows.Engine.Calendars.InMemoryCalendarProvider(),
            IsTransientFailure = isTransient ?? (static _ => false),
            TicketUrl = ticketUrl,
            Tickets = tickets ?? new ItsmWorkflows.Engine.Activities.Tickets.InMemoryTicketDirectory(),
            TimeZone = timeZone ?? TimeZoneInfo.Utc,
            IncidentIntake = incidentIntake ?? ItsmWorkflows.Engine.Activities.Tickets.AcceptingIncidentIntake.Instance,
            IncidentCommitted = (_, incident) => CommittedIncidents.Add(incident),
        };
        Runtime = new WorkflowRuntime(Definitions, instances ?? Instances, Registry, Services);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public Conformance.LineCapture Output { get; } = new();

    public InMemoryWorkflowDefinitionStore Definitions { get; } = new();

    public InMemoryWorkflowInstanceStore Instances { get; } = new();

    public ActivityRegistry Registry { get; } = ActivityRegistry.CreateDefault();

    public WorkflowServices Services { get; }

    /// <summary>What the runtime told the host about incidents, after their bursts committed.</summary>
    public List<Incident> CommittedIncidents { get; } = [];

    public WorkflowRuntime Runtime { get; }

    public static string CorpusRoot => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "elsa-corpus"));

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ItsmWorkflows.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find ItsmWorkflows.sln above the test binaries.");
        }
    }

    public WorkflowDefinition Load(string json, bool publish = true) => Definitions.Add(WorkflowDefinitionJson.Parse(json), publish);

    public WorkflowDefinition LoadCorpus(string relativePath, bool publish = true) =>
        Load(File.ReadAllText(Path.Combine(CorpusRoot, "elsa-core", relativePath)), publish);

    /// <summary>Starts an instance and resumes every bookmark it has until it finishes or none is left, as Elsa's RunWorkflowUntilEndAsync does.</summary>
    public async Task<WorkflowState> RunUntilEndAsync(string definitionId, IDictionary<string, JsonNode?>? input = null)
    {
        var result = await Runtime.StartAsync(definitionId, new StartOptions { Input = input });
        var state = result.State;
        for (var round = 0; round < 100 && state.Status != WorkflowStatus.Finished && state.Bookmarks.Count > 0; round++)
        {
            var bookmark = state.Bookmarks[0];
            if (bookmark.DueAt is { } due && due > Clock.GetUtcNow()) Clock.SetUtcNow(due);
            state = (await Runtime.ResumeAsync(state.InstanceId, bookmark.Id)).State;
        }
        return state;
    }

    /// <summary>Starts an instance of a definition given as JSON and returns its committed state.</summary>
    public async Task<WorkflowState> StartAsync(string json, IDictionary<string, JsonNode?>? input = null, string? correlationId = null)
    {
        var definition = Load(json);
        return (await Runtime.StartAsync(definition.DefinitionId, new StartOptions { Input = input, CorrelationId = correlationId })).State;
    }

    /// <summary>Builds a flowchart definition from activities and connections written as JSON fragments.</summary>
    public static string Flowchart(
        string activities, string connections = "", string variables = "", string extra = "",
        string definitionId = "test", string name = "Test", string inputs = "", string outputs = "", string outcomes = "") => $$"""
        {
          "id": "{{definitionId}}-v1", "definitionId": "{{definitionId}}", "name": "{{name}}", "version": 1,
          "variables": [{{variables}}], "inputs": [{{inputs}}], "outputs": [{{outputs}}], "outcomes": [{{outcomes}}],
          {{extra}}
          "root": { "type": "Elsa.Flowchart", "id": "Flowchart1", "activities": [{{activities}}], "connections": [{{connections}}] }
        }
        """;

    public static string Activity(string id, string type, string inputs = "") =>
        $$"""{ "id": "{{id}}", "type": "{{type}}", "version": 1 {{(inputs.Length > 0 ? "," + inputs : "")}} }""";

    public static string Literal(string name, string value, string typeName = "String") => Expression(name, "Literal", value, typeName);

    public static string Js(string name, string script, string typeName = "Object") => Expression(name, "JavaScript", script, typeName);

    /// <summary>An input in any syntax (same as <see cref="Expression"/>, with the syntax second).</summary>
    public static string Input(string name, string syntax, string value, string typeName = "Object") => Expression(name, syntax, value, typeName);

    public static string Connect(string source, string target, string port = "Done") =>
        $$"""{ "source": { "activity": "{{source}}", "port": "{{port}}" }, "target": { "activity": "{{target}}", "port": "In" } }""";

    public static string Variable(string name, string typeName = "Object", string? value = null) =>
        $$"""{ "id": "{{name}}Id", "name": "{{name}}", "typeName": "{{typeName}}"{{(value is null ? "" : ", \"value\": " + System.Text.Json.JsonSerializer.Serialize(value))}} }""";

    /// <summary>An input property: <c>"name": { typeName, expression: { type, value } }</c>.</summary>
    public static string Expression(string name, string type, string value, string typeName = "Object") =>
        $"{Quote(name)}: {{ \"typeName\": {Quote(typeName)}, \"expression\": {{ \"type\": {Quote(type)}, \"value\": {Quote(value)} }} }}";

    /// <summary>Binds an activity output to a variable (by the id <see cref="Variable"/> gives it).</summary>
    public static string OutputTo(string output, string variable) =>
        $"{Quote(output)}: {{ \"typeName\": \"Object\", \"memoryReference\": {{ \"id\": {Quote(variable + "Id")} }} }}";

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    public static string WriteLine(string id, string text) => Activity(id, "Elsa.WriteLine", Literal("text", text));

    public static string WriteLineJs(string id, string script) => Activity(id, "Elsa.WriteLine", Js("text", script, "String"));
}
