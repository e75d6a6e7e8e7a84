using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Changes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class ChangeActivitiesTests
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Service(string id, string name, string criticality) => new() { ["id"] = id, ["name"] = name, ["criticality"] = criticality };

    /// <summary>A normal change with every plan, one low-criticality service, two hours on 10 March: no rule raises its risk.</summary>
    private static JsonObject LowRiskChange() => new()
    {
        ["number"] = "CHG0001001",
        ["type"] = "normal",
        ["affectedServices"] = new JsonArray(Service("svc-wiki", "Wiki", "low")),
        ["plannedStart"] = "2026-03-10T10:00:00Z",
        ["plannedEnd"] = "2026-03-10T12:00:00Z",
        ["backoutPlan"] = "Restore the snapshot taken before the change.",
        ["testPlan"] = "Smoke tests of the wiki pages.",
        ["implementationPlan"] = "Apply the patch to both nodes.",
        ["impact"] = 3,
    };

    private static JsonObject EmailChange(string start = "2026-03-10T11:00:00Z", string end = "2026-03-10T13:00:00Z")
    {
        var change = LowRiskChange();
        change["affectedServices"] = new JsonArray(Service("svc-email", "Email", "high"));
        change["plannedStart"] = start;
        change["plannedEnd"] = end;
        return change;
    }

    /// <summary>Runs one activity in a flowchart whose outcome ports each write their own name, with the given change schedule.</summary>
    private static async Task<(WorkflowState State, IReadOnlyList<string> Lines)> RunAsync(string id, string type, IEnumerable<string> inputs, string[] outcomes, InMemoryChangeScheduleProvider? schedule = null,
        TimeZoneInfo? zone = null)
    {
        var h = new EngineHarness();
        var services = new WorkflowServices
        {
            Time = h.Clock, Lines = h.Output, RetryDelay = (_, _) => Task.CompletedTask, ChangeSchedule = schedule ?? new InMemoryChangeScheduleProvider(),
            TimeZone = zone ?? TimeZoneInfo.Utc,
        };
        var runtime = new WorkflowRuntime(h.Definitions, h.Instances, h.Registry, services);
        var definition = h.Load(Flowchart(
            string.Join(",", [Activity(id, type, string.Join(",", inputs)), .. outcomes.Select(o => WriteLine("Then" + o, o))]),
            string.Join(",", outcomes.Select(o => Connect(id, "Then" + o, o)))));
        var state = (await runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken)).State;
        return (state, h.Output.Lines);
    }

    private static Task<(WorkflowState State, IReadOnlyList<string> Lines)> AssessAsync(JsonObject? change, JsonObject? questionnaire = null)
    {
        List<string> inputs = [];
        if (change is not null) inputs.Add(Literal("change", change.ToJsonString(), "Object"));
        if (questionnaire is not null) inputs.Add(Literal("questionnaire", questionnaire.ToJsonString(), "Object"));
        return RunAsync("Risk", "Itsm.AssessRisk", inputs, ["Low", "Moderate", "High"]);
    }

    private static Task<(WorkflowState State, IReadOnlyList<string> Lines)> CheckAsync(JsonObject change, InMemoryChangeScheduleProvider schedule, bool ignoreBlackouts = false, TimeZoneInfo? zone = null)
    {
        List<string> inputs = [Literal("change", change.ToJsonString(), "Object")];
        if (ignoreBlackouts) inputs.Add(Literal("ignoreBlackouts", "true", "Boolean"));
        return RunAsync("Check", "Itsm.CheckChangeConflicts", inputs, ["NoConflict", "Conflict"], schedule, zone);
    }

    private static JsonNode Output(WorkflowState state, string activity, string name) => state.ActivityOutputs[activity][name]!;

    private static string[] Reasons(WorkflowState state) => [.. Output(state, "Risk", "reasons").AsArray().Select(r => r!.GetValue<string>())];

    [Fact]
    public async Task AssessRisk_LowRiskChange_FollowsLow()
    {
        var (state, lines) = await AssessAsync(LowRiskChange());

        Assert.Equal(["Low"], lines);
        Assert.Equal("Low", Output(state, "Risk", "risk").GetValue<string>());
        Assert.Equal(0, Output(state, "Risk", "score").GetValue<int>());
        Assert.Empty(Reasons(state));
    }

    [Fact]
    public async Task AssessRisk_CriticalServiceWithoutBackoutPlan_FollowsHighWithReasons()
    {
        var change = LowRiskChange();
        change["affectedServices"] = new JsonArray(Service("svc-email", "Email", "critical"), Service("svc-wiki", "Wiki", "low"));
        change.Remove("backoutPlan");

        var (state, lines) = await AssessAsync(change);

        Assert.Equal(["High"], lines);
        Assert.Equal("High", Output(state, "Risk", "ruleRisk").GetValue<string>());
        Assert.Equal(7, Output(state, "Risk", "score").GetValue<int>());
        Assert.Equal(["Affects a critical service: Email.", "There is no back-out plan."], Reasons(state));
    }

    [Fact]
    public async Task AssessRisk_QuestionnaireHigherThanRules_QuestionnaireWins()
    {
        var (state, lines) = await AssessAsync(LowRiskChange(), new JsonObject { ["userImpact"] = "all", ["tested"] = false, ["doneBefore"] = true });

        Assert.Equal(["High"], lines);
        Assert.Equal("Low", Output(state, "Risk", "ruleRisk").GetValue<string>());
        Assert.Equal("High", Output(state, "Risk", "questionnaireRisk").GetValue<string>());
        Assert.Equal(["All users are affected.", "The change has not been tested."], Reasons(state));
    }

    [Fact]
    public async Task AssessRisk_RulesHigherThanQuestionnaire_RulesWin()
    {
        var change = LowRiskChange();
        change["affectedServices"] = new JsonArray(Service("svc-email", "Email", "critical"));
        var answers = new JsonObject { ["userImpact"] = "some", ["tested"] = true, ["rollbackTested"] = true, ["doneBefore"] = true, ["downtime"] = false };

        var (state, lines) = await AssessAsync(change, answers);

        Assert.Equal(["Moderate"], lines);
        Assert.Equal("Moderate", Output(state, "Risk", "ruleRisk").GetValue<string>());
        Assert.Equal("Low", Output(state, "Risk", "questionnaireRisk").GetValue<string>());
        Assert.Equal(4, Output(state, "Risk", "score").GetValue<int>());
    }

    [Fact]
    public async Task AssessRisk_MissingChange_Faults()
    {
        var (state, lines) = await AssessAsync(null);

        Assert.Empty(lines);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        Assert.Contains("Assess risk needs the change", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssessRisk_UnknownCriticality_FaultsNamingIt()
    {
        var change = LowRiskChange();
        change["affectedServices"] = new JsonArray(Service("svc-email", "Email", "severe"));

        var (state, _) = await AssessAsync(change);

        Assert.Contains("criticality 'severe'", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckChangeConflicts_OverlappingChangeOnSharedService_ConflictNamingIt()
    {
        var schedule = new InMemoryChangeScheduleProvider()
            .Add(new ScheduledChange("CHG0001002", "Email upgrade", ["svc-email"], At("2026-03-10T10:00:00Z"), At("2026-03-10T12:00:00Z")));

        var (state, lines) = await CheckAsync(EmailChange(), schedule);

        Assert.Equal(["Conflict"], lines);
        Assert.Equal("Overlaps CHG0001002 (Email upgrade) on Email, 2026-03-10 10:00–12:00 UTC.", Output(state, "Check", "summary").GetValue<string>());
        var conflict = Assert.Single(Output(state, "Check", "conflicts")["changes"]!.AsArray())!;
        Assert.Equal("CHG0001002", conflict["number"]!.GetValue<string>());
        Assert.Equal("svc-email", Assert.Single(conflict["services"]!.AsArray())!.GetValue<string>());
        Assert.Empty(Output(state, "Check", "conflicts")["blackouts"]!.AsArray());
    }

    [Fact]
    public async Task CheckChangeConflicts_SaysTheWindowsInTheOrganisationsZone_WithTheirDates()
    {
        var schedule = new InMemoryChangeScheduleProvider()
            .Add(new ScheduledChange("CHG0001002", "Email upgrade", ["svc-email"], At("2026-03-10T10:00:00Z"), At("2026-03-10T12:00:00Z")));
        var auckland = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Auckland"); // UTC+13 in March: the next day there

        var (state, _) = await CheckAsync(EmailChange(), schedule, zone: auckland);
        Assert.Equal("Overlaps CHG0001002 (Email upgrade) on Email, 2026-03-10 23:00–2026-03-11 01:00 Pacific/Auckland.", Output(state, "Check", "summary").GetValue<string>());
        var (over, _) = await CheckAsync(EmailChange("2026-03-01T11:00:00Z", "2026-03-01T13:00:00Z"), new InMemoryChangeScheduleProvider(), zone: auckland);
        Assert.StartsWith("The planned window ended 2026-03-02 02:00 Pacific/Auckland,", Output(over, "Check", "summary").GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckChangeConflicts_WindowAlreadyOver_IsAConflict_ThatAsksForANewWindow()
    {
        // The harness's clock reads 2026-03-02 09:00: a window on 1 March is over (approved too late, say).
        var (state, lines) = await CheckAsync(EmailChange("2026-03-01T11:00:00Z", "2026-03-01T13:00:00Z"), new InMemoryChangeScheduleProvider());

        Assert.Equal(["Conflict"], lines);
        Assert.True(Output(state, "Check", "conflicts")["windowPassed"]!.GetValue<bool>());
        Assert.Equal("The planned window ended 2026-03-01 13:00 UTC, before the change could be scheduled: it needs a new window.", Output(state, "Check", "summary").GetValue<string>());
        var (future, futureLines) = await CheckAsync(EmailChange(), new InMemoryChangeScheduleProvider());
        Assert.Equal(["NoConflict"], futureLines);
        Assert.False(Output(future, "Check", "conflicts")["windowPassed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CheckChangeConflicts_OverlappingChangeOnOtherService_NoConflict()
    {
        var schedule = new InMemoryChangeScheduleProvider()
            .Add(new ScheduledChange("CHG0001002", "CRM upgrade", ["svc-crm"], At("2026-03-10T10:00:00Z"), At("2026-03-10T12:00:00Z")));

        var (_, lines) = await CheckAsync(EmailChange(), schedule);

        Assert.Equal(["NoConflict"], lines);
    }

    [Fact]
    public async Task CheckChangeConflicts_AdjacentWindows_NoConflict()
    {
        var schedule = new InMemoryChangeScheduleProvider()
            .Add(new ScheduledChange("CHG0001002", "Before", ["svc-email"], At("2026-03-10T09:00:00Z"), At("2026-03-10T11:00:00Z")))
            .Add(new ScheduledChange("CHG0001003", "After", ["svc-email"], At("2026-03-10T13:00:00Z"), At("2026-03-10T15:00:00Z")))
            .Add(new BlackoutWindow("Evening freeze", At("2026-03-10T13:00:00Z"), At("2026-03-10T20:00:00Z"), []));

        var (state, lines) = await CheckAsync(EmailChange(), schedule);

        Assert.Equal(["NoConflict"], lines);
        Assert.Equal("No other change on the same services and no blackout window overlaps 2026-03-10 11:00–13:00 UTC.", Output(state, "Check", "summary").GetValue<string>());
    }

    [Fact]
    public async Task CheckChangeConflicts_BlackoutOnAllServices_Conflict()
    {
        var schedule = new InMemoryChangeScheduleProvider()
            .Add(new BlackoutWindow("Quarter-end freeze", At("2026-03-09T00:00:00Z"), At("2026-03-12T00:00:00Z"), []))
            .Add(new BlackoutWindow("CRM freeze", At("2026-03-09T00:00:00Z"), At("2026-03-12T00:00:00Z"), ["svc-crm"]));

        var (state, lines) = await CheckAsync(EmailChange(), schedule);

        Assert.Equal(["Conflict"], lines);
        Assert.Equal("Inside blackout window Quarter-end freeze.", Output(state, "Check", "summary").GetValue<string>());
        Assert.Equal("Quarter-end freeze", Assert.Single(Output(state, "Check", "conflicts")["blackouts"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task CheckChangeConflicts_IgnoreBlackouts_NoConflict()
    {
        var schedule = new InMemoryChangeScheduleProvider()
            .Add(new BlackoutWindow("Quarter-end freeze", At("2026-03-09T00:00:00Z"), At("2026-03-12T00:00:00Z"), []));

        var (state, lines) = await CheckAsync(EmailChange(), schedule, ignoreBlackouts: true);

        Assert.Equal(["NoConflict"], lines);
        Assert.Empty(Output(state, "Check", "conflicts")["blackouts"]!.AsArray());
    }

    [Fact]
    public async Task CheckChangeConflicts_OwnNumberOnTheSchedule_IsExcluded()
    {
        var schedule = new InMemoryChangeScheduleProvider()
            .Add(new ScheduledChange("CHG0001001", "This very change", ["svc-email"], At("2026-03-10T11:00:00Z"), At("2026-03-10T13:00:00Z")));

        var (_, lines) = await CheckAsync(EmailChange(), schedule);

        Assert.Equal(["NoConflict"], lines);
    }

    [Fact]
    public async Task CheckChangeConflicts_EndBeforeStart_Faults()
    {
        var (state, lines) = await CheckAsync(EmailChange(start: "2026-03-10T13:00:00Z", end: "2026-03-10T11:00:00Z"), new InMemoryChangeScheduleProvider());

        Assert.Empty(lines);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        Assert.Contains("is before the planned start", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckChangeConflicts_MissingWindow_Faults()
    {
        var change = EmailChange();
        change.Remove("plannedEnd");

        var (state, _) = await CheckAsync(change, new InMemoryChangeScheduleProvider());

        Assert.Contains("needs the planned window of CHG0001001", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
    }
}
