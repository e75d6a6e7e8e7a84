using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class RequestApprovalTests
{
    /// <summary>group:cab is carol, dan, erin and fay; carol's delegate is "deputy"; everyone reports to "boss".</summary>
    private sealed class Directory : IApproverDirectory
    {
        private static readonly ApproverInfo Boss = new("boss", "Big Boss", "boss@example.org");

        public ValueTask<IReadOnlyList<ApproverInfo>> ResolveAsync(IReadOnlyList<string> approvers, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<ApproverInfo>>([.. approvers.SelectMany(Resolve)]);

        private static IEnumerable<ApproverInfo> Resolve(string name) => name switch
        {
            "group:cab" => [Person("carol"), Person("dan"), Person("erin"), Person("fay")],
            "nobody" => [],
            _ => [Person(name)],
        };

        private static ApproverInfo Person(string name) =>
            new(name, char.ToUpperInvariant(name[0]) + name[1..], name + "@example.org", name == "carol" ? new ApproverInfo("deputy", "Deputy", "deputy@example.org") : null, name == "boss" ? null : Boss);
    }

    private static string Definition(string approvers, string rule = "Any", int? threshold = null, string rejection = "FirstRejects", int? rejectionThreshold = null,
        string? dueIn = null, string onTimeout = "TimedOut", string requester = "alice", string? remindEvery = null, int? maxReminders = null) =>
        Flowchart(
            string.Join(",",
                Activity("Approve1", RequestApproval.TypeName, string.Join(",", new[]
                {
                    Js("approvers", approvers, "String[]"), Literal("title", "Change CHG0001: patch the mail relay"),
                    Js("details", "({ risk: 'High', window: 'Sat 02:00-04:00' })"), Literal("requester", requester),
                    Literal("rule", rule), Literal("rejectionRule", rejection), Literal("onTimeout", onTimeout),
                }.Concat(threshold is { } t ? [Literal("threshold", t.ToString(System.Globalization.CultureInfo.InvariantCulture), "Int32")] : [])
                 .Concat(rejectionThreshold is { } r ? [Literal("rejectionThreshold", r.ToString(System.Globalization.CultureInfo.InvariantCulture), "Int32")] : [])
                 .Concat(dueIn is { } d ? [Literal("dueIn", d, "TimeSpan")] : [])
                 .Concat(remindEvery is { } every ? [Literal("remindEvery", every, "TimeSpan")] : [])
                 .Concat(maxReminders is { } most ? [Literal("maxReminders", most.ToString(System.Globalization.CultureInfo.InvariantCulture), "Int32")] : []))),
                WriteLine("Yes", "approved"), WriteLine("No", "rejected"), WriteLine("Late", "timed out")),
            string.Join(",", Connect("Approve1", "Yes", "Approved"), Connect("Approve1", "No", "Rejected"), Connect("Approve1", "Late", "TimedOut")));

    private static async Task<WorkflowState> DecideAsync(EngineHarness h, WorkflowState state, string approver, string decision, string? comment = null)
    {
        var approvalId = ApprovalId(h);
        var result = await h.Runtime.DecideApprovalAsync(approvalId, new JsonObject { ["approver"] = approver, ["decision"] = decision, ["comment"] = comment, ["channel"] = "web" }, TestContext.Current.CancellationToken);
        return result?.State ?? (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
    }

    private static string ApprovalId(EngineHarness h) => h.Instances.Outbox.Last(o => o.Kind == RequestApproval.OutboxKind).Payload["approvalId"]!.GetValue<string>();

    private static string Outcome(EngineHarness h) => h.Output.Lines.Count > 0 ? h.Output.Lines[^1] : "(waiting)";

    [Fact]
    public async Task Execute_AsksEveryApproverAndDelegate_ExceptTheRequester_AndWaits()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['group:cab', 'alice']"));

        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        var request = Assert.Single(h.Instances.Outbox).Payload;
        var recipients = request["recipients"]!.AsArray().Select(r => (r!["userName"]!.GetValue<string>(), r["onBehalfOf"]?.GetValue<string>())).ToList();
        Assert.Equal([("carol", null), ("deputy", "carol"), ("dan", null), ("erin", null), ("fay", null)], recipients);
        Assert.Equal(RequestApproval.ContentHash("Change CHG0001: patch the mail relay", JsonNode.Parse("""{"risk":"High","window":"Sat 02:00-04:00"}""")), request["contentHash"]!.GetValue<string>());
        Assert.Equal("High", request["details"]!["risk"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Any", null, new[] { "carol" }, "approved")]
    [InlineData("All", null, new[] { "carol", "dan", "erin" }, "(waiting)")]
    [InlineData("All", null, new[] { "carol", "dan", "erin", "fay" }, "approved")]
    [InlineData("AtLeast", 2, new[] { "carol" }, "(waiting)")]
    [InlineData("AtLeast", 2, new[] { "carol", "fay" }, "approved")]
    [InlineData("Percent", 75, new[] { "carol", "dan" }, "(waiting)")]
    [InlineData("Percent", 75, new[] { "carol", "dan", "erin" }, "approved")]
    public async Task QuorumRules_DecideWhenEnoughApproved(string rule, int? threshold, string[] approving, string expected)
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['group:cab']", rule, threshold));
        foreach (var approver in approving) state = await DecideAsync(h, state, approver, "approve");

        Assert.Equal(expected, Outcome(h));
        Assert.Equal(expected == "(waiting)" ? WorkflowStatus.Running : WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task FirstRejection_Rejects_WithTheDecisionsAvailableAfterwards()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['group:cab']", "All"));
        state = await DecideAsync(h, state, "carol", "approve", "fine by me");
        state = await DecideAsync(h, state, "dan", "reject", "no back-out plan");

        Assert.Equal("rejected", Outcome(h));
        var decision = state.ActivityOutputs["Approve1"]["decision"]!;
        Assert.Equal("Rejected", decision["outcome"]!.GetValue<string>());
        var decisions = decision["decisions"]!.AsArray();
        Assert.Equal(["carol", "dan"], decisions.Select(d => d!["approver"]!.GetValue<string>()));
        Assert.Equal("no back-out plan", decisions[1]!["comment"]!.GetValue<string>());
        Assert.Equal("web", decisions[1]!["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task RejectionCount_NeedsThatManyRejections_AndAnImpossibleQuorumRejects()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['group:cab']", "AtLeast", 2, "Count", 2));
        state = await DecideAsync(h, state, "carol", "reject");
        Assert.Equal("(waiting)", Outcome(h));
        state = await DecideAsync(h, state, "dan", "reject");
        Assert.Equal("rejected", Outcome(h));

        var h2 = new EngineHarness(approvers: new Directory());
        var s2 = await h2.StartAsync(Definition("['carol', 'dan']", "All", rejection: "Count", rejectionThreshold: 2));
        await DecideAsync(h2, s2, "carol", "reject");
        Assert.Equal("rejected", Outcome(h2)); // All can no longer be reached
    }

    [Fact]
    public async Task Delegate_DecidesOnBehalfOfTheApprover_AndTheSlotIsTakenOnce()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['carol', 'dan']", "All"));
        state = await DecideAsync(h, state, "deputy", "approve", "carol is on leave");
        state = await DecideAsync(h, state, "carol", "reject"); // her slot is taken: ignored
        Assert.Equal("(waiting)", Outcome(h));
        state = await DecideAsync(h, state, "dan", "approve");

        Assert.Equal("approved", Outcome(h));
        var first = state.ActivityOutputs["Approve1"]["decision"]!["decisions"]![0]!;
        Assert.Equal("deputy", first["decidedBy"]!.GetValue<string>());
        Assert.Equal("carol", first["onBehalfOf"]!.GetValue<string>());
        // Names for people to read, from the directory the activity asked: the delegate's and the approver's.
        Assert.Equal(("Deputy", "Carol"), (first["decidedByName"]!.GetValue<string>(), first["approverName"]!.GetValue<string>()));
        Assert.Equal("Dan", state.ActivityOutputs["Approve1"]["decision"]!["decisions"]![1]!["decidedByName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADelegateNamedAfterTheApprovalWasAsked_DecidesForTheApproverTheHostNames_ButNeverTheRequester()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['dan', 'erin']", "All"));
        async Task<WorkflowState> OnBehalfAsync(string actor, string forWhom, string decision)
        {
            var result = await h.Runtime.DecideApprovalAsync(ApprovalId(h), new JsonObject { ["approver"] = actor, ["approverName"] = actor == "gus" ? "Gus Gale" : null, ["onBehalfOf"] = forWhom, ["decision"] = decision }, TestContext.Current.CancellationToken);
            return result?.State ?? (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        }
        // The requester (alice) acting for someone changes nothing; nor does a word for someone who is no approver here.
        state = await OnBehalfAsync("alice", "dan", "approve");
        state = await OnBehalfAsync("gus", "carol", "reject");
        Assert.Equal("(waiting)", Outcome(h));
        state = await OnBehalfAsync("gus", "dan", "approve");
        state = await DecideAsync(h, state, "dan", "reject"); // his slot is taken: ignored
        state = await DecideAsync(h, state, "erin", "approve");

        Assert.Equal("approved", Outcome(h));
        var decisions = state.ActivityOutputs["Approve1"]["decision"]!["decisions"]!.AsArray();
        var dans = Assert.Single(decisions, d => d!["onBehalfOf"]?.GetValue<string>() == "dan")!;
        Assert.Equal("gus", dans["decidedBy"]!.GetValue<string>());
        // The activity never asked gus, so his name is the one the host gave with his decision.
        Assert.Equal("Gus Gale", dans["decidedByName"]!.GetValue<string>());
    }

    [Fact]
    public async Task SelfApproval_AndStrangers_ChangeNothing()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['carol']", requester: "alice"));
        state = await DecideAsync(h, state, "alice", "approve");
        state = await DecideAsync(h, state, "mallory", "approve");
        Assert.Equal("(waiting)", Outcome(h));
        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);

        var h2 = new EngineHarness(approvers: new Directory());
        var onlyRequester = await h2.StartAsync(Definition("['alice']", requester: "alice"));
        Assert.Contains("cannot approve their own request", Assert.Single(onlyRequester.Incidents).Message);
    }

    [Theory]
    [InlineData("TimedOut", "timed out")]
    [InlineData("Approve", "approved")]
    [InlineData("Reject", "rejected")]
    public async Task DueTime_EndsTheWait_NeverEarly(string onTimeout, string expected)
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['carol']", dueIn: "3.00:00:00", onTimeout: onTimeout));
        var timer = state.Bookmarks.Single(b => b.DueAt is not null);
        Assert.Equal(h.Clock.GetUtcNow().AddDays(3), timer.DueAt);

        // A firing a second early waits again.
        h.Clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromSeconds(1));
        state = (await h.Runtime.FireTimerAsync(state.InstanceId, timer.Id, TestContext.Current.CancellationToken))!.State;
        Assert.Equal("(waiting)", Outcome(h));
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, Outcome(h));
    }

    [Fact]
    public async Task Reminders_AskOnlyThoseWhoHaveNotDecided_NeverEarly_NeverPastTheDueTime_AtMostAsOftenAsAllowed()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['carol', 'dan', 'erin']", "All", dueIn: "3.12:00:00", remindEvery: "1.00:00:00"));
        var reminder = state.Bookmarks.Single(b => b.Payload?["remindAt"] is not null);
        Assert.Equal(h.Clock.GetUtcNow().AddDays(1), reminder.DueAt);
        state = await DecideAsync(h, state, "dan", "approve");

        // A firing a second early sends nothing and waits again.
        h.Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        reminder = state.Bookmarks.Single(b => b.Payload?["remindAt"] is not null);
        state = (await h.Runtime.FireTimerAsync(state.InstanceId, reminder.Id, TestContext.Current.CancellationToken))!.State;
        Assert.Single(h.Instances.Outbox);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);

        var first = h.Instances.Outbox[^1].Payload;
        Assert.Equal(1, first["reminder"]!.GetValue<int>());
        Assert.Equal(ApprovalId(h), first["approvalId"]!.GetValue<string>());
        Assert.Equal(["carol", "deputy", "erin"], first["recipients"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()));

        // Days 2 and 3 remind again; day 4 is past the due time (3.5 days), which times it out without a fourth.
        h.Clock.Advance(TimeSpan.FromDays(1));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        h.Clock.Advance(TimeSpan.FromDays(1));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        Assert.Equal([1, 2, 3], h.Instances.Outbox.Skip(1).Select(o => o.Payload["reminder"]!.GetValue<int>()));
        h.Clock.Advance(TimeSpan.FromHours(12));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        Assert.Equal("timed out", Outcome(h));
        Assert.Equal(4, h.Instances.Outbox.Count);

        // A reminder and the due time both passed (the host was down): the wait ends, no reminder goes out.
        var late = new EngineHarness(approvers: new Directory());
        await late.StartAsync(Definition("['carol']", dueIn: "02:00:00", remindEvery: "00:30:00"));
        late.Clock.Advance(TimeSpan.FromHours(3));
        await late.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        Assert.Equal("timed out", Outcome(late));
        Assert.Single(late.Instances.Outbox);

        // At most as often as allowed: one reminder, then none however long it waits.
        var once = new EngineHarness(approvers: new Directory());
        var waiting = await once.StartAsync(Definition("['carol']", remindEvery: "04:00:00", maxReminders: 1));
        for (var i = 0; i < 5; i++)
        {
            once.Clock.Advance(TimeSpan.FromHours(4));
            await once.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        }
        Assert.Equal(2, once.Instances.Outbox.Count);
        waiting = (await once.Instances.FindAsync(waiting.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.DoesNotContain(waiting.Bookmarks, b => b.DueAt is not null);
        Assert.Equal("(waiting)", Outcome(once));
    }

    [Fact]
    public async Task Reminders_OfNoLength_AreRefusedClearly()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['carol']", remindEvery: "00:00:00"));
        Assert.Contains("leave it empty for no reminders", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalate_AsksTheManagersOnce_ThenTimesOut()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['carol', 'dan']", "Any", dueIn: "1.00:00:00", onTimeout: "Escalate"));
        h.Clock.Advance(TimeSpan.FromDays(1));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);

        Assert.Equal("(waiting)", Outcome(h));
        var escalation = h.Instances.Outbox[^1].Payload;
        var recipient = Assert.Single(escalation["recipients"]!.AsArray())!;
        Assert.Equal("boss", recipient["userName"]!.GetValue<string>());
        Assert.Equal("carol", recipient["escalatedFrom"]!.GetValue<string>());

        state = await DecideAsync(h, state, "boss", "approve");
        Assert.Equal("approved", Outcome(h));

        var h2 = new EngineHarness(approvers: new Directory());
        await h2.StartAsync(Definition("['carol']", dueIn: "1.00:00:00", onTimeout: "Escalate"));
        h2.Clock.Advance(TimeSpan.FromDays(1));
        await h2.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        h2.Clock.Advance(TimeSpan.FromDays(1));
        await h2.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        Assert.Equal("timed out", Outcome(h2));
    }

    private static async Task<WorkflowState> HandOverAsync(EngineHarness h, WorkflowState state, string from, params (string UserName, string As)[] to)
    {
        var offered = new JsonArray([.. to.Select(t => (JsonNode?)new JsonObject { ["userName"] = t.UserName, ["as"] = t.As })]);
        var result = await h.Runtime.DecideApprovalAsync(ApprovalId(h), new JsonObject { ["handover"] = new JsonObject { ["from"] = from, ["to"] = offered } }, TestContext.Current.CancellationToken);
        return result?.State ?? (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
    }

    private static (ApproverInfo? HandedOverTo, bool StillWaitsOn)? HandoverOf(WorkflowState state, string userName) =>
        state.Frames.Values.Select(f => RequestApproval.HandoverOf(f.State, (f.State as JsonFrameState)?.Data["approvalId"]?.GetValue<string>() ?? "", userName)).FirstOrDefault(h => h is not null);

    [Fact]
    public async Task Handover_GivesTheUndecidedSlotToTheManager_WhoIsAsked_AndTheRuleCountsThemInsteadOfTheOneSwitchedOff()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['carol', 'dan']", "All"));
        state = await DecideAsync(h, state, "dan", "approve");

        state = await HandOverAsync(h, state, "carol", ("boss", "manager"), ("deputy", "delegate"));

        // The boss is asked, with whose slot it was and as whom, in a request of its own (the same approval).
        Assert.Equal(2, h.Instances.Outbox.Count);
        var request = h.Instances.Outbox[^1].Payload;
        Assert.Equal(ApprovalId(h), request["approvalId"]!.GetValue<string>());
        var recipient = Assert.Single(request["recipients"]!.AsArray())!;
        Assert.Equal(("boss", "carol", "manager"), (recipient["userName"]!.GetValue<string>(), recipient["handedOverFrom"]!.GetValue<string>(), recipient["handedOverAs"]!.GetValue<string>()));
        Assert.Equal("boss", HandoverOf(state, "carol")!.Value.HandedOverTo!.UserName);
        Assert.False(HandoverOf(state, "carol")!.Value.StillWaitsOn);
        // Named as the directory names them now (it resolves "boss" itself, not the manager recorded on carol).
        Assert.Equal(["Boss"], RequestApproval.PendingApprovers(state.Frames.Values.Single(f => f.State is JsonFrameState { Data: var d } && d["approvalId"] is not null).State));

        // Carol (and her delegate) no longer decide anything here; with the boss's approval, All is met.
        state = await DecideAsync(h, state, "carol", "reject");
        state = await DecideAsync(h, state, "deputy", "reject");
        Assert.Equal("(waiting)", Outcome(h));
        state = await DecideAsync(h, state, "boss", "approve");

        Assert.Equal("approved", Outcome(h));
        var decision = state.ActivityOutputs["Approve1"]["decision"]!;
        Assert.Equal(["boss", "dan"], decision["approvers"]!.AsArray().Select(a => a!.GetValue<string>()).Order());
        var boss = Assert.Single(decision["decisions"]!.AsArray(), d => d!["decidedBy"]!.GetValue<string>() == "boss")!;
        Assert.Equal("carol", boss["handedOverFrom"]!.GetValue<string>());
    }

    [Fact]
    public async Task Handover_PassesOverTheRequester_SomeoneAlreadyAsked_AndWhomTheDirectoryNoLongerKnows_AndWithNobodyLeftChangesNothing()
    {
        // The manager is the requester: the delegate takes it.
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition("['carol', 'dan']", "All", requester: "boss"));
        state = await HandOverAsync(h, state, "carol", ("boss", "manager"), ("deputy", "delegate"));
        Assert.Equal("deputy", HandoverOf(state, "carol")!.Value.HandedOverTo!.UserName);
        Assert.Equal("delegate", h.Instances.Outbox[^1].Payload["recipients"]![0]!["handedOverAs"]!.GetValue<string>());

        // The manager holds a slot already, and the delegate is not in the directory (switched off): nobody takes it.
        var h2 = new EngineHarness(approvers: new Directory());
        var s2 = await h2.StartAsync(Definition("['carol', 'dan']", "All"));
        s2 = await HandOverAsync(h2, s2, "carol", ("dan", "manager"), ("nobody", "delegate"));
        Assert.Single(h2.Instances.Outbox);
        Assert.Null(HandoverOf(s2, "carol")!.Value.HandedOverTo);
        Assert.True(HandoverOf(s2, "carol")!.Value.StillWaitsOn);
        // Still Carol's, and still decided by her delegate as before.
        s2 = await DecideAsync(h2, s2, "deputy", "approve");
        s2 = await DecideAsync(h2, s2, "dan", "approve");
        Assert.Equal("approved", Outcome(h2));

        // A slot already decided, or handed over already, is not handed over (again).
        var h3 = new EngineHarness(approvers: new Directory());
        var s3 = await h3.StartAsync(Definition("['carol', 'dan']", "All"));
        s3 = await DecideAsync(h3, s3, "dan", "approve");
        s3 = await HandOverAsync(h3, s3, "dan", ("boss", "manager"));
        s3 = await HandOverAsync(h3, s3, "carol", ("boss", "manager"));
        s3 = await HandOverAsync(h3, s3, "carol", ("erin", "manager"));
        Assert.Equal(2, h3.Instances.Outbox.Count);
        Assert.Null(HandoverOf(s3, "dan")!.Value.HandedOverTo);
        Assert.Equal("boss", HandoverOf(s3, "carol")!.Value.HandedOverTo!.UserName);
    }

    [Fact]
    public async Task AnApprovalSavedBeforeHandoversExisted_StillLoads_AndHandsOver()
    {
        var h = new EngineHarness(approvers: new Directory());
        var started = await h.StartAsync(Definition("['carol', 'dan']", "All"));
        var (stored, version) = (await h.Instances.FindAsync(started.InstanceId, TestContext.Current.CancellationToken))!.Value;
        // As an older server wrote it: slots without the handover fields.
        var data = stored.Frames.Values.Select(f => f.State).OfType<JsonFrameState>().Single(f => f.Data["approvalId"] is not null).Data;
        foreach (var slot in data["slots"]!.AsArray().OfType<JsonObject>())
        {
            Assert.True(slot.Remove("handedOverFrom") && slot.Remove("handedOverAs") && slot.Remove("handedOverAt"));
        }
        await h.Instances.SaveAsync(stored, version, TestContext.Current.CancellationToken);

        var state = await DecideAsync(h, stored, "dan", "approve");
        state = await HandOverAsync(h, state, "carol", ("boss", "manager"));
        state = await DecideAsync(h, state, "boss", "approve");

        Assert.Equal("approved", Outcome(h));
    }

    /// <summary>Hands out a bookmark lookup, then lets another decision commit before the caller uses it (the race two approvers can run into).</summary>
    private sealed class RacingStore(ItsmWorkflows.Engine.Runtime.InMemoryWorkflowInstanceStore inner) : ItsmWorkflows.Engine.Runtime.IWorkflowInstanceStore
    {
        public Func<Task>? BeforeFirstLookupReturns { get; set; }

        public ValueTask<(WorkflowState State, long Version)?> FindAsync(string instanceId, CancellationToken cancellationToken) => inner.FindAsync(instanceId, cancellationToken);

        public ValueTask<long> SaveAsync(WorkflowState state, long expectedVersion, CancellationToken cancellationToken) => inner.SaveAsync(state, expectedVersion, cancellationToken);

        public async ValueTask<IReadOnlyList<ItsmWorkflows.Engine.Runtime.BookmarkLocation>> FindBookmarksAsync(string stimulusHash, string? correlationId, CancellationToken cancellationToken)
        {
            var found = await inner.FindBookmarksAsync(stimulusHash, correlationId, cancellationToken);
            if (BeforeFirstLookupReturns is { } race)
            {
                BeforeFirstLookupReturns = null;
                await race();
            }
            return found;
        }

        public ValueTask<IReadOnlyList<ItsmWorkflows.Engine.Runtime.BookmarkLocation>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.FindDueTimersAsync(now, cancellationToken);
    }

    [Fact]
    public async Task ADecisionRacingAnother_FindsTheReplacedBookmark_AndCounts()
    {
        var h = new EngineHarness(approvers: new Directory());
        var racing = new RacingStore(h.Instances);
        var runtime = new ItsmWorkflows.Engine.Runtime.WorkflowRuntime(h.Definitions, racing, h.Registry, h.Services);
        var definition = h.Load(Definition("['carol', 'dan']", "All"));
        var started = await runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken);
        var approvalId = ApprovalId(h);

        // Carol's lookup finds the current bookmark; before she uses it, Dan's decision commits and replaces it.
        racing.BeforeFirstLookupReturns = async () =>
            await h.Runtime.DecideApprovalAsync(approvalId, new JsonObject { ["approver"] = "dan", ["decision"] = "approve", ["channel"] = "web" }, TestContext.Current.CancellationToken);
        var carol = await runtime.DecideApprovalAsync(approvalId, new JsonObject { ["approver"] = "carol", ["decision"] = "approve", ["channel"] = "email" }, TestContext.Current.CancellationToken);

        Assert.NotNull(carol);
        Assert.Equal(WorkflowStatus.Finished, carol.State.Status);
        Assert.Equal("approved", Outcome(h));
        Assert.Equal(2, carol.State.ActivityOutputs["Approve1"]["decision"]!["decisions"]!.AsArray().Count);
        _ = started;
    }
}
