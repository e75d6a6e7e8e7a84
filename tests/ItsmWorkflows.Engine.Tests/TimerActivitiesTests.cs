using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class TimerActivitiesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static string Waiting(string timer) => Flowchart(timer + "," + WriteLine("After", "after"), Connect("Timer1", "After"));

    [Fact]
    public async Task Delay_Started_SuspendsWithBookmarkDueAfterDuration()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting(Activity("Timer1", "Elsa.Delay", Literal("timeSpan", "01:30:00", "TimeSpan"))));

        var bookmark = Assert.Single(state.Bookmarks);
        Assert.Equal(T0.AddMinutes(90), bookmark.DueAt);
        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task Delay_ResumedBeforeDue_SuspendsAgainWithSameDueTime()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting(Activity("Timer1", "Elsa.Delay", Literal("timeSpan", "01:00:00", "TimeSpan"))));
        h.Clock.Advance(TimeSpan.FromMinutes(59));

        var early = (await h.Runtime.ResumeAsync(state.InstanceId, state.Bookmarks[0].Id, cancellationToken: TestContext.Current.CancellationToken)).State;

        Assert.Equal(T0.AddHours(1), Assert.Single(early.Bookmarks).DueAt);
        Assert.Equal(WorkflowSubStatus.Suspended, early.SubStatus);
        Assert.Empty(h.Output.Lines);
        Assert.Empty(await h.Runtime.FireDueTimersAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Delay_ClockPassesDueTime_FireDueTimersCompletesIt()
    {
        var h = new EngineHarness();
        await h.StartAsync(Waiting(Activity("Timer1", "Elsa.Delay", Literal("timeSpan", "3.00:00:00", "TimeSpan"))));
        h.Clock.Advance(TimeSpan.FromDays(3));

        var fired = Assert.Single(await h.Runtime.FireDueTimersAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(WorkflowStatus.Finished, fired.State.Status);
        Assert.Equal(["after"], h.Output.Lines);
    }

    [Fact]
    public async Task Timer_InsideRunningWorkflow_WaitsOneInterval()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting(Activity("Timer1", "Elsa.Timer", Literal("interval", "00:10:00", "TimeSpan"))));
        Assert.Equal(T0.AddMinutes(10), Assert.Single(state.Bookmarks).DueAt);

        h.Clock.Advance(TimeSpan.FromMinutes(10));
        var fired = Assert.Single(await h.Runtime.FireDueTimersAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(WorkflowStatus.Finished, fired.State.Status);
        Assert.Equal(["after"], h.Output.Lines);
    }

    [Theory]
    [InlineData("2026-03-20T09:00:00", "2026-03-20T08:00:00Z")] // winter time, UTC+1
    [InlineData("2026-03-30T09:00:00", "2026-03-30T07:00:00Z")] // after the 29 March change, UTC+2
    [InlineData("2026-03-29T02:30:00", "2026-03-29T01:30:00Z")] // skipped by the change: runs at the first valid time after it
    public async Task StartAt_LocalTimeInZone_DueAtHonoursDaylightSaving(string local, string expectedUtc)
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting(Activity("Timer1", "Elsa.StartAt", Literal("dateTime", local) + "," + Literal("timeZone", "Europe/Paris"))));

        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(state.Bookmarks).DueAt);
    }

    [Fact]
    public async Task StartAt_ClockReachesDueTime_Completes()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting(Activity("Timer1", "Elsa.StartAt", Literal("dateTime", "2026-03-30T09:00:00") + "," + Literal("timeZone", "Europe/Paris"))));
        h.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 30, 6, 59, 0, TimeSpan.Zero));
        Assert.Empty(await h.Runtime.FireDueTimersAsync(cancellationToken: TestContext.Current.CancellationToken));

        h.Clock.SetUtcNow(state.Bookmarks[0].DueAt!.Value);
        var fired = Assert.Single(await h.Runtime.FireDueTimersAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(WorkflowStatus.Finished, fired.State.Status);
    }

    [Theory]
    [InlineData("0 12 * * *", "2026-03-02T12:00:00Z")]
    [InlineData("30 15 10 * * *", "2026-03-02T10:15:30Z")]
    [InlineData("0 8 * * MON", "2026-03-09T08:00:00Z")]
    public async Task Cron_FiveOrSixFields_WaitsForNextOccurrence(string expression, string expectedUtc)
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting(Activity("Timer1", "Elsa.Cron", Literal("cronExpression", expression))));

        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(state.Bookmarks).DueAt);
    }

    [Fact]
    public async Task Cron_InvalidExpression_ReportsPlanIssue()
    {
        var h = new EngineHarness();
        var definition = h.Load(Waiting(Activity("Timer1", "Elsa.Cron", Literal("cronExpression", "every day"))));

        var plan = await h.Runtime.GetPlanAsync(definition, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains(plan.Issues, i => i.ActivityId == "Timer1" && i.Message.Contains("5 fields", StringComparison.Ordinal));
    }
}
