using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Tickets;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class TicketActivitiesTests
{
    private static string TaskThenStatus(string taskInputs) => Flowchart(
        string.Join(",",
            Activity("Work", "Itsm.CreateTask", taskInputs),
            Activity("Done", "Itsm.SetStatus", string.Join(",", Literal("status", "Fulfilled"), Literal("note", "All tasks done"))),
            Activity("Failed", "Itsm.SetStatus", Literal("status", "Closed incomplete"))),
        string.Join(",", Connect("Work", "Done", "Complete"), Connect("Work", "Failed", "Incomplete")));

    private static string Prepare => string.Join(",", Literal("title", "Prepare laptop"), Literal("assignmentGroup", "Service Desk"));

    [Fact]
    public async Task CreateTask_OpensATaskUnderTheCorrelatedTicket_AndWaits()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(TaskThenStatus(Prepare), correlationId: "REQ0001001");

        Assert.Equal(WorkflowStatus.Running, state.Status);
        var open = Assert.Single(h.Instances.RecordChanges);
        Assert.Equal(TicketChanges.OpenTask, open.Kind);
        Assert.Equal("REQ0001001", open.Payload["parent"]!.GetValue<string>());
        Assert.Equal("Service Desk", open.Payload["assignmentGroup"]!.GetValue<string>());
        Assert.Equal(state.ActivityOutputs["Work"]["taskId"]!.GetValue<string>(), open.Payload["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateTask_ClosedComplete_FollowsComplete_AndClosesTheTask()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(TaskThenStatus(Prepare), correlationId: "REQ0001001");
        var taskId = state.ActivityOutputs["Work"]["taskId"]!.GetValue<string>();

        var results = await h.Runtime.ResumeStimulusAsync(CreateTask.TypeName, CreateTask.Stimulus(taskId), new JsonObject { ["state"] = "Complete", ["by"] = "bob", ["notes"] = "Imaged and shipped" }, TestContext.Current.CancellationToken);

        Assert.Equal(WorkflowStatus.Finished, Assert.Single(results).State.Status);
        var changes = h.Instances.RecordChanges;
        Assert.Equal([TicketChanges.OpenTask, TicketChanges.CloseTask, TicketChanges.Update], changes.Select(c => c.Kind));
        Assert.Equal("Closed Complete", changes[1].Payload["status"]!.GetValue<string>());
        Assert.Equal("bob", changes[1].Payload["by"]!.GetValue<string>());
        Assert.Equal("Fulfilled", changes[2].Payload["status"]!.GetValue<string>());
        Assert.Equal("REQ0001001", changes[2].Payload["ticket"]!.GetValue<string>());

        // Closed once: a second report finds nothing waiting.
        Assert.Empty(await h.Runtime.ResumeStimulusAsync(CreateTask.TypeName, CreateTask.Stimulus(taskId), new JsonObject { ["state"] = "Complete" }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CreateTask_ClosedIncomplete_FollowsIncomplete()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(TaskThenStatus(Prepare), correlationId: "REQ0001001");
        var taskId = state.ActivityOutputs["Work"]["taskId"]!.GetValue<string>();

        await h.Runtime.ResumeStimulusAsync(CreateTask.TypeName, CreateTask.Stimulus(taskId), new JsonObject { ["state"] = "Incomplete", ["by"] = "bob" }, TestContext.Current.CancellationToken);

        var changes = h.Instances.RecordChanges;
        Assert.Equal("Closed Incomplete", changes[1].Payload["status"]!.GetValue<string>());
        Assert.Equal("Closed incomplete", changes[2].Payload["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateTask_CancelledWhileWaiting_WithdrawsTheTask()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(TaskThenStatus(Prepare), correlationId: "REQ0001001");

        await h.Runtime.CancelAsync(state.InstanceId, TestContext.Current.CancellationToken);

        var changes = h.Instances.RecordChanges;
        Assert.Equal([TicketChanges.OpenTask, TicketChanges.CancelTask], changes.Select(c => c.Kind));
        Assert.Equal(changes[0].Payload["id"]!.GetValue<string>(), changes[1].Payload["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateTask_WithNobodyToDoIt_Faults()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(TaskThenStatus(Literal("title", "Prepare laptop")), correlationId: "REQ0001001");

        Assert.Contains("assignment group or an assignee", Assert.Single(state.Incidents).Message);
        Assert.Empty(h.Instances.RecordChanges);
    }

    [Fact]
    public async Task CreateTask_DueInWorkingTime_CountsOnTheCalendar()
    {
        var h = new EngineHarness();
        var calendar = ItsmWorkflows.Engine.Calendars.BusinessCalendar.FromJson(JsonNode.Parse("""
            { "name": "office", "timeZone": "UTC", "hours": { "Monday": ["09:00-17:00"], "Tuesday": ["09:00-17:00"] } }
            """)!.AsObject());
        ((ItsmWorkflows.Engine.Calendars.InMemoryCalendarProvider)h.Services.Calendars).Add(calendar);
        // Monday 2 March 2026 09:00 UTC + 10 working hours = Tuesday 11:00.
        await h.StartAsync(TaskThenStatus(string.Join(",", Prepare, Literal("dueIn", "10:00:00", "TimeSpan"), Literal("calendar", "office"))), correlationId: "REQ1");

        Assert.Equal("2026-03-03T11:00:00.0000000Z", h.Instances.RecordChanges[0].Payload["dueAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task SetStatus_WithoutATicketOrCorrelation_Faults()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(Activity("S", "Itsm.SetStatus", Literal("status", "Open"))));

        Assert.Contains("names no ticket", Assert.Single(state.Incidents).Message);
    }

    [Fact]
    public async Task SetStatus_NamedTicket_CarriesGroupAssigneeAndRisk()
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(Activity("S", "Itsm.SetStatus", string.Join(",", Literal("ticket", "CHG0000007"), Literal("assignmentGroup", "Network"), Literal("risk", "High")))), correlationId: "REQ1");

        var change = Assert.Single(h.Instances.RecordChanges);
        Assert.Equal("CHG0000007", change.Payload["ticket"]!.GetValue<string>());
        Assert.Equal("Network", change.Payload["assignmentGroup"]!.GetValue<string>());
        Assert.Equal("High", change.Payload["risk"]!.GetValue<string>());
        Assert.Null(change.Payload["status"]);
    }
}
