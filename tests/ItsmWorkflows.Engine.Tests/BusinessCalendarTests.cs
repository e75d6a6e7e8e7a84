using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class BusinessCalendarTests
{
    /// <summary>London office: 09:00-17:30 with a lunch break, Monday to Friday; Christmas Day off.</summary>
    private static BusinessCalendar London() => BusinessCalendar.FromJson(JsonNode.Parse("""
        { "name": "london-office", "timeZone": "Europe/London",
          "hours": { "monday": ["09:00-12:30", "13:30-17:30"], "tuesday": ["09:00-12:30", "13:30-17:30"], "wednesday": ["09:00-12:30", "13:30-17:30"],
                     "thursday": ["09:00-12:30", "13:30-17:30"], "friday": ["09:00-12:30", "13:30-17:30"] },
          "holidays": ["2026-12-25"] }
        """)!.AsObject());

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-11-24T10:00:00Z", 2, "2026-11-24T12:00:00Z")]   // within the morning
    [InlineData("2026-11-24T11:30:00Z", 2, "2026-11-24T14:30:00Z")]   // over lunch
    [InlineData("2026-11-27T16:30:00Z", 2, "2026-11-30T10:00:00Z")]   // Friday afternoon to Monday
    [InlineData("2026-11-28T08:00:00Z", 1, "2026-11-30T10:00:00Z")]   // starting on a Saturday
    [InlineData("2026-12-24T16:30:00Z", 3, "2026-12-28T11:00:00Z")]   // Christmas Eve, over the holiday and the weekend
    [InlineData("2026-11-24T06:00:00Z", 7, "2026-11-24T17:00:00Z")]   // seven of the day's seven and a half hours, started before opening
    public void Add_CountsOnlyWorkingHours(string start, int hours, string expected)
    {
        Assert.Equal(At(expected), London().Add(At(start), TimeSpan.FromHours(hours)));
    }

    [Fact]
    public void Add_AcrossTheClockChange_KeepsWallClockHours()
    {
        // Clocks go forward on Sunday 29 March 2026: Friday 16:30 GMT + 2 business hours = Monday 10:00 BST = 09:00 UTC.
        Assert.Equal(At("2026-03-30T09:00:00Z"), London().Add(At("2026-03-27T16:30:00Z"), TimeSpan.FromHours(2)));
        // Every hour counts on 24x7, in UTC: 24 hours are 24 hours.
        Assert.Equal(At("2026-03-29T12:00:00Z"), BusinessCalendar.AlwaysOpen.Add(At("2026-03-28T12:00:00Z"), TimeSpan.FromHours(24)));
    }

    [Fact]
    public void Between_MeasuresWorkingTime_AndIsWorkingKnowsTheBreaks()
    {
        var london = London();
        Assert.Equal(TimeSpan.FromHours(2), london.Between(At("2026-11-27T16:30:00Z"), At("2026-11-30T10:00:00Z")));
        Assert.Equal(TimeSpan.Zero, london.Between(At("2026-11-28T00:00:00Z"), At("2026-11-29T23:00:00Z")));
        Assert.True(london.IsWorking(At("2026-11-24T10:00:00Z")));
        Assert.False(london.IsWorking(At("2026-11-24T13:00:00Z")));
        Assert.False(london.IsWorking(At("2026-12-25T10:00:00Z")));
    }

    [Theory]
    [InlineData("""{ "name": "x", "timeZone": "Mars/Olympus", "hours": { "monday": ["09:00-17:00"] } }""", "Time zone 'Mars/Olympus' is unknown")]
    [InlineData("""{ "name": "x", "hours": { "funday": ["09:00-17:00"] } }""", "'funday' is not a weekday")]
    [InlineData("""{ "name": "x", "hours": { "monday": ["9-5"] } }""", "is not a span such as 09:00-17:30")]
    [InlineData("""{ "name": "x", "hours": { "monday": ["17:00-09:00"] } }""", "not a span within the day")]
    [InlineData("""{ "name": "x", "hours": { "monday": ["09:00-12:00", "11:00-13:00"] } }""", "overlap")]
    [InlineData("""{ "name": "x", "hours": { "monday": [] } }""", "has no working hours")]
    [InlineData("""{ "name": "x", "hours": { "monday": ["09:00-17:00"] }, "holidays": ["25/12/2026"] }""", "is not a date such as 2026-12-25")]
    public void FromJson_RefusesNonsenseClearly(string json, string message)
    {
        var ex = Assert.Throws<FormatException>(() => BusinessCalendar.FromJson(JsonNode.Parse(json)!.AsObject()));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Json_RoundTrips()
    {
        var london = London();
        var again = BusinessCalendar.FromJson(london.ToJson());
        Assert.Equal(london.ToJson().ToJsonString(), again.ToJson().ToJsonString());
        Assert.Equal(2, again.HoursOn(DayOfWeek.Monday).Count);
    }

    [Fact]
    public async Task ApprovalDueTime_CountsInTheCalendar()
    {
        var h = new EngineHarness(calendars: new InMemoryCalendarProvider().Add(London()));
        h.Clock.SetUtcNow(At("2026-11-27T16:30:00Z")); // Friday afternoon
        var state = await h.StartAsync(Flowchart(Activity("Approve1", RequestApproval.TypeName, string.Join(",",
            Js("approvers", "['carol']", "String[]"), Literal("title", "Laptop"), Literal("dueIn", "04:00:00", "TimeSpan"), Literal("calendar", "london-office")))));

        Assert.Equal(At("2026-11-30T12:00:00Z"), state.Bookmarks.Single(b => b.DueAt is not null).DueAt);

        // Over the weekend nothing happens; at Monday noon the approval times out.
        h.Clock.SetUtcNow(At("2026-11-30T11:59:00Z"));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        Assert.Equal(WorkflowStatus.Running, (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State.Status);
        h.Clock.SetUtcNow(At("2026-11-30T12:00:00Z"));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        var timedOut = (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Equal(WorkflowStatus.Finished, timedOut.Status);
        Assert.Equal("TimedOut", timedOut.ActivityOutputs["Approve1"]["decision"]!["outcome"]!.GetValue<string>());

        var unknown = await new EngineHarness().StartAsync(Flowchart(Activity("Approve1", RequestApproval.TypeName, string.Join(",",
            Js("approvers", "['carol']", "String[]"), Literal("title", "Laptop"), Literal("dueIn", "04:00:00", "TimeSpan"), Literal("calendar", "nowhere")))));
        Assert.Contains("no business calendar 'nowhere'", Assert.Single(unknown.Incidents).Message);
        Assert.Equal(WorkflowSubStatus.Faulted, unknown.SubStatus);
    }
}
