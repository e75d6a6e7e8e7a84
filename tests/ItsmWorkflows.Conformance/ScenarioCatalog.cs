using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Validation;

namespace ItsmWorkflows.Conformance;

/// <summary>Every scenario of ../shared/elsa-corpus/EXPECTATIONS.md that states an expectation, encoded.</summary>
public static class ScenarioCatalog
{
    private const string It = "test/integration/Elsa.Workflows.IntegrationTests/";
    private const string Ct = "test/component/Elsa.Workflows.ComponentTests/Scenarios/";
    private const string Samples = "src/samples/aspnet/Elsa.Samples.JsonWorkflowProvider/Workflows/";

    public static IReadOnlyList<Scenario> All { get; } = Build();

    private static Scenario Run(string name, string file, Func<CorpusHost, WorkflowState, Task> check, params string[] dependencies) =>
        RunWithInput(name, file, null, check, dependencies);

    private static Scenario RunWithInput(string name, string file, Dictionary<string, JsonNode?>? input, Func<CorpusHost, WorkflowState, Task> check, params string[] dependencies) =>
        new(name, file, async host =>
        {
            foreach (var dependency in dependencies) host.Load(dependency, publish: !dependency.EndsWith("provider.json", StringComparison.Ordinal));
            var definition = host.Load(file);
            var state = await host.RunUntilEndAsync(definition.DefinitionId, input);
            await check(host, state);
        });

    private static Scenario Lines(string name, string file, string[] lines, params string[] dependencies) =>
        Run(name, file, (host, state) =>
        {
            Expect.Lines(host, lines);
            Expect.Finished(state);
            return Task.CompletedTask;
        }, dependencies);

    private static Scenario Finishes(string name, string file, params string[] dependencies) =>
        Run(name, file, (_, state) =>
        {
            Expect.Finished(state);
            return Task.CompletedTask;
        }, dependencies);

    private static Scenario Unsupported(string name, string file, string reason, Func<CorpusHost, Task>? check = null) =>
        new(name, file, check ?? (_ => Task.CompletedTask), reason);

    private static async Task<ValidationResult> ValidateAsync(CorpusHost host, string file) => await host.ValidateAsync(CorpusHost.Parse(host.CorpusRoot, file));

    private static IReadOnlyList<Scenario> Build() =>
    [
        // ----- Component tests -----
        Run("basic hello world", Ct + "BasicWorkflows/hello-world.json", (h, s) => { Expect.Finished(s); Expect.Lines(h, "Hello World!"); return Task.CompletedTask; }),
        new("workflow-definition activities: parent → child → grand child over HTTP", Ct + "CachingAndWorkflowDefinitionActivity/Workflows/workflow-definition-parent.json", async h =>
        {
            h.Load(Ct + "CachingAndWorkflowDefinitionActivity/Workflows/workflow-definition-grand-child.json");
            h.Load(Ct + "CachingAndWorkflowDefinitionActivity/Workflows/workflow-definition-child.json");
            h.Load(Ct + "CachingAndWorkflowDefinitionActivity/Workflows/workflow-definition-parent.json");
            // Elsa fires 200 concurrent requests while evicting its cache; our plans are immutable per version, so we run 20 and require no fault.
            var runs = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => h.HttpAsync("POST", "parent", new JsonObject())));
            Expect.True(runs.All(r => r.Count == 1), "every POST /workflows/parent must start one instance");
            Expect.True(h.Instances.All.All(i => i.SubStatus != WorkflowSubStatus.Faulted), "an instance faulted");
            Expect.True(h.Lines.Count(l => l == "Grand Child") == 20, $"expected 20 × \"Grand Child\", got {h.Lines.Count(l => l == "Grand Child")}");
        }),
        new("HTTP hello world", Ct + "HttpWorkflows/Workflows/http-hello-world.json", async h =>
        {
            h.Load(Ct + "HttpWorkflows/Workflows/http-hello-world.json");
            var result = (await h.HttpAsync("GET", "hello-world")).Single();
            Expect.True(result.HttpResponse is { StatusCode: 200 }, "no 200 response");
            Expect.True(Engine.Expressions.ValueConverter.ToText(result.HttpResponse!.Content) == "Hello World!", $"body was '{Engine.Expressions.ValueConverter.ToText(result.HttpResponse.Content)}'");
        }),
        Run("input becomes output through a workflow activity", Ct + "InputOutput/Workflows/consumer.json", (h, s) =>
        {
            Expect.Finished(s);
            var value = Engine.Expressions.ValueConverter.ToText(s.Variables.GetValueOrDefault("Variable1"));
            Expect.True(value == "Hello World!", $"Variable1 was '{value}'");
            return Task.CompletedTask;
        }, Ct + "InputOutput/Workflows/provider.json"),
        Unsupported("log persistence modes 1", Ct + "LogPersistenceModes/input-output-logging-1.json", "Elsa's per-activity input log persistence modes are a storage setting of Elsa's activity execution records; the journal here records events and outcomes, not inputs"),
        Unsupported("log persistence modes 2", Ct + "LogPersistenceModes/input-output-logging-2.json", "Elsa's per-activity input log persistence modes are a storage setting of Elsa's activity execution records; the journal here records events and outcomes, not inputs"),
        Run("outputs of a workflow activity are recorded", Ct + "LogPersistenceModes/input-output-logging-3.json", (h, s) =>
        {
            Expect.Finished(s);
            var outputs = s.ActivityOutputs.Values.FirstOrDefault(o => o.ContainsKey("Output1"));
            Expect.True(outputs is not null && outputs.ContainsKey("Output2"), "the child activity's record lacks Output1 and Output2");
            return Task.CompletedTask;
        }, Ct + "LogPersistenceModes/input-output-logging-3-child.json"),
        Finishes("REST execute hello world", Ct + "RestApis/Workflows/hello-world.json"),
        new("HTTP parent runs the published child version", Ct + "WorkflowActivities/Workflows/CacheInvalidation_Parent.json", async h =>
        {
            h.Load(Ct + "WorkflowActivities/Workflows/CacheInvalidation_Child.json");
            h.Load(Ct + "WorkflowActivities/Workflows/CacheInvalidation_Childv2.json", publish: false);
            h.Load(Ct + "WorkflowActivities/Workflows/CacheInvalidation_Parent.json");
            var result = (await h.HttpAsync("GET", "test-cache-invalidation")).Single();
            Expect.Finished(result.State);
            Expect.True(result.State.Name == "Parent version 1", $"name was '{result.State.Name}'");
            Expect.True(result.State.CorrelationId == "Child version 1", $"correlation id was '{result.State.CorrelationId}'");
        }),
        Finishes("fork completes", Ct + "WorkflowCompletion/fork.json"),
        Finishes("hello world completes", Ct + "WorkflowCompletion/hello-world.json"),
        Unsupported("HTTP path computed by a host function", Ct + "WorkflowDefinitionRefresh/dynamic-endpoint-http-workflow.json", "the path calls getStaticValue(), a function Elsa's test server registers; the engine has no such host function and indexes routes from literal paths"),
        new("HTTP trigger workflow answers", Ct + "WorkflowDefinitionReload/Workflows/http-workflow.json", async h =>
        {
            h.Load(Ct + "WorkflowDefinitionReload/Workflows/http-workflow.json");
            var results = await h.HttpAsync("GET", "reload-test");
            Expect.True(results.Count == 1, "GET /workflows/reload-test did not start the workflow");
            Expect.Finished(results[0].State);
        }),
        new("workflow activities are not inlined in the definition", Ct + "WorkflowJsonStructures/main.json", async h =>
        {
            h.Load(Ct + "WorkflowJsonStructures/sub.json");
            var main = h.Load(Ct + "WorkflowJsonStructures/main.json");
            Expect.True(WorkflowDefinitionJson.ToJson(main)["root"]!["activities"]![0]!["root"] is null, "the Sub activity has its children inlined");
            var state = await h.RunUntilEndAsync(main.DefinitionId);
            Expect.Finished(state);
            Expect.Lines(h, "Test", "Test");
        }),
        new("reference graph: transitive consumers", Ct + "WorkflowReferenceGraph/Workflows/refgraph-parent.json", h =>
        {
            h.Load(Ct + "WorkflowReferenceGraph/Workflows/refgraph-grandchild.json");
            h.Load(Ct + "WorkflowReferenceGraph/Workflows/refgraph-child.json");
            h.Load(Ct + "WorkflowReferenceGraph/Workflows/refgraph-parent.json");
            var all = h.Definitions.All;
            var ofGrandchild = DefinitionReferences.Consumers(all, "refgraph-grandchild");
            Expect.True(ofGrandchild.Order().SequenceEqual(["refgraph-child", "refgraph-parent"]), $"consumers of the grandchild were [{string.Join(", ", ofGrandchild)}]");
            Expect.True(DefinitionReferences.Consumers(all, "refgraph-parent").Count == 0, "the parent has no consumers");
            Expect.True(!all.Any(d => d.DefinitionId == "refgraph-unknown-definition"), "an unknown id must not be found (the API answers 404)");
            // The export itself (single JSON without consumers, zip with them) is covered by the server's API tests.
            return Task.CompletedTask;
        }),

        // ----- Integration tests -----
        Unsupported("migrate an instance to version 2", "test/integration/Elsa.Alterations.IntegrationTests/Workflows/version-1.json",
            "Elsa's test moves a finished instance; here running instances move (checked activity by activity) and a finished one keeps the version it ran, refused with a reason", async h =>
            {
                var v1 = h.Load("test/integration/Elsa.Alterations.IntegrationTests/Workflows/version-1.json");
                var finished = await h.RunUntilEndAsync(v1.DefinitionId);
                var v2 = h.Load("test/integration/Elsa.Alterations.IntegrationTests/Workflows/version-2.json");
                var (report, _) = await h.Runtime.MigrateAsync(finished.InstanceId, v2.Id, null, dryRun: false, actor: null);
                Expect.True(!report.CanMigrate && report.Blocking.Any(b => b.Message.Contains("finished", StringComparison.Ordinal)), "a finished instance was not refused with a reason");
                Expect.True((await h.Instances.FindAsync(finished.InstanceId, CancellationToken.None))!.Value.State.DefinitionVersion == 1, "a refused move changed the instance");
            }),
        Lines("execute workflow: child gets input", It + "Activities/ExecuteWorkflow/Workflows/parent-with-input.json", ["Child received: Hello from parent"], It + "Activities/ExecuteWorkflow/Workflows/child-with-input.json"),
        Run("execute workflow: parent reads child output", It + "Activities/ExecuteWorkflow/Workflows/parent-capture-output.json", (h, s) =>
        {
            Expect.Finished(s);
            Expect.LinesContain(h, "Child output: 42", "Parent received: 42");
            return Task.CompletedTask;
        }, It + "Activities/ExecuteWorkflow/Workflows/child-with-output.json"),
        Run("execute workflow without waiting", It + "Activities/ExecuteWorkflow/Workflows/parent-no-wait.json", (h, s) =>
        {
            Expect.Finished(s);
            Expect.LinesContain(h, "Parent: Before child", "Child: Executing", "Parent: After child");
            var child = h.Instances.All.Single(i => i.DefinitionId == "child-workflow");
            Expect.True(child.Properties["ParentInstanceId"]?.GetValue<string>() == s.InstanceId, "the child's ParentInstanceId is not the parent instance id");
            return Task.CompletedTask;
        }, It + "Activities/ExecuteWorkflow/Workflows/child-workflow.json"),
        Lines("execute workflow and wait", It + "Activities/ExecuteWorkflow/Workflows/parent-with-wait.json", ["Parent: Before child", "Child: Executing", "Parent: After child"], It + "Activities/ExecuteWorkflow/Workflows/child-workflow.json"),
        Run("execute workflow sets the child's correlation id", It + "Activities/ExecuteWorkflow/Workflows/parent-with-correlation.json", (h, s) =>
        {
            Expect.Finished(s);
            Expect.True(h.Instances.All.Single(i => i.DefinitionId == "child-workflow").CorrelationId == "test-correlation-123", "child correlation id differs");
            return Task.CompletedTask;
        }, It + "Activities/ExecuteWorkflow/Workflows/child-workflow.json"),
        Lines("Complete inside a composite does not cascade", It + "Scenarios/CompositesAndOutcomes/Workflows/tester.json", ["Start", "End"],
            It + "Scenarios/CompositesAndOutcomes/Workflows/completor.json", It + "Scenarios/CompositesAndOutcomes/Workflows/consumer.json"),
        Lines("multi-level workflow activities", It + "Scenarios/DependencyWorkflows/Workflows/matter-activity.json", [.. Enumerable.Repeat("Atom", 9)],
            It + "Scenarios/DependencyWorkflows/Workflows/atom-activity.json", It + "Scenarios/DependencyWorkflows/Workflows/molecule-activity.json"),
        Unsupported("publishing a child updates consuming workflows", It + "Scenarios/DependencyWorkflowsPublishing/Workflows/parent.json",
            "publishing is the server's (drafts, versions, states), tested there with definitions of this shape (ConsumerUpdateTests); here the corpus parent is pointed at a child v2 as the server's publish does", h =>
            {
                var parent = CorpusHost.Parse(h.CorpusRoot, It + "Scenarios/DependencyWorkflowsPublishing/Workflows/parent.json");
                var child = CorpusHost.Parse(h.CorpusRoot, It + "Scenarios/DependencyWorkflowsPublishing/Workflows/child.json");
                Expect.True(child.AutoUpdateConsumingWorkflows && !parent.AutoUpdateConsumingWorkflows, "the child asks for its consumers to be updated, the parent does not");
                Expect.True(DefinitionReferences.PointAt(parent, "child", "child-v2", 2) == 1, "the parent's Child activity was not pointed at the new version");
                var updated = WorkflowDefinitionJson.Parse(WorkflowDefinitionJson.Serialize(parent)).AllActivities().Single(a => a.Type == "Child");
                Expect.True(updated.TypeVersion == 2 && updated.GetProperty("workflowDefinitionVersionId")?.GetValue<string>() == "child-v2", "the updated reference did not survive a save");
                return Task.CompletedTask;
            }),
        Lines("explicit join: wait all", It + "Scenarios/ExplicitJoins/Workflows/join-all-1.json", ["Start", "Line 1", "Line 2", "End"]),
        Lines("explicit join: wait all through a container", It + "Scenarios/ExplicitJoins/Workflows/join-all-2.json", ["Start", "Line 1", "Line 2", "End"]),
        Lines("explicit join: wait any runs once", It + "Scenarios/ExplicitJoins/Workflows/join-any-1.json", ["Start", "End"]),
        Finishes("flowchart completion: fan out", It + "Scenarios/FlowchartCompletion/Workflows/workflow1.json"),
        Finishes("flowchart completion: braid", It + "Scenarios/FlowchartCompletion/Workflows/workflow2.json"),
        Finishes("flowchart completion: braid with delays", It + "Scenarios/FlowchartCompletion/Workflows/workflow3.json"),
        Finishes("flowchart completion: braid with decision and delays", It + "Scenarios/FlowchartCompletion/Workflows/workflow4.json"),
        Finishes("flowchart completion: container with a blocking event", It + "Scenarios/FlowchartCompletion/Workflows/workflow5.json"),
        Finishes("flowchart completion: parallel for each", It + "Scenarios/FlowchartCompletion/Workflows/workflow6.json"),
        Lines("implicit loop", It + "Scenarios/ImportAndExecute/Workflows/implicit-loop.json", ["Do something", "Retry", "Do something", "Done"]),
        Lines("import and execute", It + "Scenarios/ImportAndExecute/Workflows/writeline.json", ["Dummy Text"]),
        new("bad cron expression is refused at publish", It + "Scenarios/ImportAndPublish/Workflows/bad-cron-expression.json", async h =>
        {
            var result = await ValidateAsync(h, It + "Scenarios/ImportAndPublish/Workflows/bad-cron-expression.json");
            var error = result.Errors.SingleOrDefault();
            Expect.True(error is not null && error.Message.Contains("cron expression", StringComparison.OrdinalIgnoreCase), $"expected exactly one cron error, got: {string.Join("; ", result.Issues)}");
        }),
        new("good cron publishes", It + "Scenarios/ImportAndPublish/Workflows/cron-every-hour.json", async h =>
        {
            var result = await ValidateAsync(h, It + "Scenarios/ImportAndPublish/Workflows/cron-every-hour.json");
            Expect.True(result.Issues.Count == 0, string.Join("; ", result.Issues));
        }),
        new("HTTP workflow publishes", It + "Scenarios/ImportAndPublish/Workflows/http-workflow.json", async h =>
        {
            var result = await ValidateAsync(h, It + "Scenarios/ImportAndPublish/Workflows/http-workflow.json");
            Expect.True(result.Issues.Count == 0, string.Join("; ", result.Issues));
        }),
        new("second HTTP workflow on the same route is refused", It + "Scenarios/ImportAndPublish/Workflows/http-workflow.json", async h =>
        {
            // The file has no ids, so each import is a new definition.
            var first = h.Load(It + "Scenarios/ImportAndPublish/Workflows/http-workflow.json");
            var second = h.Load(It + "Scenarios/ImportAndPublish/Workflows/http-workflow.json", publish: false);
            var published = Engine.Runtime.TriggerIndexer.Index(await h.Runtime.GetPlanAsync(first));
            var issues = RouteConflicts.Find(Engine.Runtime.TriggerIndexer.Index(await h.Runtime.GetPlanAsync(second)), published);
            var issue = issues.SingleOrDefault();
            Expect.True(issue is not null && issue.Message.Contains("/test path and GET method are already used", StringComparison.Ordinal), $"expected one route conflict, got [{string.Join("; ", issues)}]");
        }),
        new("timer workflow with a byte-order mark publishes", It + "Scenarios/ImportAndPublish/Workflows/timer-workflow.json", async h =>
        {
            var result = await ValidateAsync(h, It + "Scenarios/ImportAndPublish/Workflows/timer-workflow.json");
            Expect.True(result.Issues.Count == 0, string.Join("; ", result.Issues));
        }),
        Finishes("decision merge, join none", It + "Scenarios/JoinBehaviors/Workflows/decision-merge-join-none.json"),
        Run("converge blocks on a dead branch", It + "Scenarios/JoinBehaviors/Workflows/fork-decision-join-converge-strict.json", (h, _) => { Expect.Lines(h, "A"); return Task.CompletedTask; }),
        Run("merge does not run with a dead branch", It + "Scenarios/JoinBehaviors/Workflows/fork-decision-join-converge.json", (h, _) => { Expect.Lines(h, "A"); return Task.CompletedTask; }),
        Run("stream runs on the live branch", It + "Scenarios/JoinBehaviors/Workflows/fork-decision-join-none.json", (h, _) => { Expect.Lines(h, "A", "C"); return Task.CompletedTask; }),
        Run("wait-all join blocks on a faulted branch", It + "Scenarios/JoinBehaviors/Workflows/fork-decision-join-waitall.json", (h, _) => { Expect.Lines(h, "A", "C", "B", "D"); return Task.CompletedTask; }),
        Run("join runs once", It + "Scenarios/JoinBehaviors/Workflows/join.json", (_, s) =>
        {
            Expect.True(Expect.CompletedCount(s, "802725996be1b582") == 1, $"the join completed {Expect.CompletedCount(s, "802725996be1b582")} times");
            return Task.CompletedTask;
        }),
        Run("parallel for each with a join completes once", It + "Scenarios/JoinBehaviors/Workflows/parallel-join.json", (_, s) =>
        {
            Expect.True(Expect.CompletedCount(s, "70fc1183cd5800f2") == 1, $"the loop completed {Expect.CompletedCount(s, "70fc1183cd5800f2")} times");
            return Task.CompletedTask;
        }),
        Run("state with $id and $schema keys round-trips", It + "Scenarios/JsonObjectSerialization/Workflows/instance-serialization.json", (_, s) =>
        {
            Expect.Finished(s);
            var json = WorkflowStateJson.Serialize(s);
            var back = WorkflowStateJson.Deserialize(json);
            Expect.True(WorkflowStateJson.Serialize(back) == json, "state changed through a serialize/deserialize round trip");
            return Task.CompletedTask;
        }),
        Finishes("parent and child completion", It + "Scenarios/ParentChildCompletion/Workflows/parent.json", It + "Scenarios/ParentChildCompletion/Workflows/child.json"),
        RunWithInput("child gets its own input", It + "Scenarios/ParentChildInputs/Workflows/parent1.json", new() { ["Input1"] = "Foo" },
            (h, s) => { Expect.Finished(s); Expect.Lines(h, "Parent: Foo", "Child: Bar"); return Task.CompletedTask; }, It + "Scenarios/ParentChildInputs/Workflows/child.json"),
        RunWithInput("child gets the parent's input passed on", It + "Scenarios/ParentChildInputs/Workflows/parent2.json", new() { ["Input1"] = "Foo" },
            (h, s) => { Expect.Finished(s); Expect.Lines(h, "Parent: Foo", "Child: Foo"); return Task.CompletedTask; }, It + "Scenarios/ParentChildInputs/Workflows/child.json"),
        Lines("workflow activity output into a variable", It + "Scenarios/ParentChildOutputMapping/Workflows/calculator.json", ["Result: 9"], It + "Scenarios/ParentChildOutputMapping/Workflows/sum.json"),
        Unsupported("output mapping through C# scripts (d.json)", It + "Scenarios/ParentChildOutputMapping/Workflows/d.json", "uses RunCSharp and a CSharp expression, which are refused by design (not sandboxable)", RefusesCSharp(It + "Scenarios/ParentChildOutputMapping/Workflows/d.json")),
        Unsupported("output mapping read with C# (consumer.json)", It + "Scenarios/ParentChildOutputMapping/Workflows/consumer.json", "uses a CSharp expression, which is refused by design (not sandboxable)", RefusesCSharp(It + "Scenarios/ParentChildOutputMapping/Workflows/consumer.json")),
        Run("workflow activity with input", It + "Scenarios/WorkflowDefinitionActivities/Workflows/parent-with-input.json", (h, s) => { Expect.Finished(s); Expect.LinesContain(h, "Hello from parent!"); return Task.CompletedTask; }, It + "Scenarios/WorkflowDefinitionActivities/Workflows/child-with-input.json"),
        Run("workflow activity with outcomes", It + "Scenarios/WorkflowDefinitionActivities/Workflows/parent-with-outcomes.json", (h, s) => { Expect.Finished(s); Expect.LinesContain(h, "Success path taken"); return Task.CompletedTask; }, It + "Scenarios/WorkflowDefinitionActivities/Workflows/child-with-outcomes.json"),
        Run("workflow activity with output", It + "Scenarios/WorkflowDefinitionActivities/Workflows/parent-with-output.json", (h, s) => { Expect.Finished(s); Expect.LinesContain(h, "Received from child: Child output value"); return Task.CompletedTask; }, It + "Scenarios/WorkflowDefinitionActivities/Workflows/child-with-output.json"),
        Unsupported("workflow activity falls back to the published version", It + "Scenarios/WorkflowDefinitionActivities/Workflows/parent-version-fallback.json", "its child (child-published-version.json) is not part of the corpus"),
        Unsupported("RunCSharp result mapped to a workflow output", It + "Scenarios/WorkflowOutputMapping/Workflows/workflow-output.json", "uses RunCSharp, which is refused by design (not sandboxable)", RefusesCSharp(It + "Scenarios/WorkflowOutputMapping/Workflows/workflow-output.json")),
        Lines("flow join any (older copy)", "test/integration/Elsa.IntegrationTests/Scenarios/ExplicitJoins/Workflows/flow-join-any.json", ["Start", "End"]),
        Lines("import and execute (older copy)", "test/integration/Elsa.IntegrationTests/Scenarios/ImportAndExecute/workflow.json", ["Dummy Text"]),
        Finishes("decision with both outcomes into one activity", It + "Scenarios/ImplicitJoins/Workflows/decision-implicit-join-on-both-outcomes.json"),

        // ----- Samples (behaviour stated going by the JSON) -----
        new("triggers sample: GET /triggers starts and finishes", "src/apps/Elsa.Server.Web/Workflows/triggers.json", async h =>
        {
            h.Load("src/apps/Elsa.Server.Web/Workflows/triggers.json");
            var results = await h.HttpAsync("GET", "triggers");
            Expect.True(results.Count == 1, "GET /workflows/triggers did not start the workflow");
            Expect.Finished(results[0].State);
        }),
        Lines("hello world sample", Samples + "HelloWorld.json", ["Hello World!"]),
        Lines("console hello world sample", "src/samples/console/Elsa.Samples.JsonWorkflows/HelloWorld.json", ["Hello World!"]),
        new("HTTP hello world sample", Samples + "HelloWorldHttp.json", async h =>
        {
            h.Load(Samples + "HelloWorldHttp.json");
            var result = (await h.HttpAsync("GET", "hello-world-json")).Single();
            Expect.LinesContain(h, "Hello JSON world!");
            Expect.True(Engine.Expressions.ValueConverter.ToText(result.HttpResponse?.Content) == "Hello JSON world!", "the response body differs");
        }),
        new("main/sub sample over HTTP", Samples + "main.json", async h =>
        {
            h.Load(Samples + "sub.json");
            h.Load(Samples + "main.json");
            var result = (await h.HttpAsync("GET", "mymain")).Single();
            var body = Engine.Expressions.ValueConverter.ToText(result.HttpResponse?.Content);
            Expect.True(body == "hi thereobi wan kenobi", $"body was '{body}'");
        }),
        Unsupported("dynamic activity provider samples", "src/samples/aspnet/Elsa.Samples.AspNet.DynamicActivityProvider/Workflows/create-user-workflow.json", "Demo.Reqres.* activity types are made at run time by that sample's own provider and call a public web API"),
    ];

    private static Func<CorpusHost, Task> RefusesCSharp(string file) => async h =>
    {
        var result = await ValidateAsync(h, file);
        Expect.True(result.Errors.Any(e => e.Message.Contains("C#", StringComparison.Ordinal)), "a C# script was not refused with a clear validation error");
    };
}
