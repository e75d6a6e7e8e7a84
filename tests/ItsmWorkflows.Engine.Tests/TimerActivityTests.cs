using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Timer bookmarks: due times from the clock, never early, time zones and daylight saving.</summary>
public sealed class TimerActivityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(EngineHarness Harness, WorkflowState State)> StartAsync(string activity)
    {
        var harness = new EngineHarness();
        var definition = harness.Load(Flowchart(activity + "," + Activity("W", "Elsa.WriteLine", Literal("text", "fired")), Connect(ActivityIdOf(activity), "W")));
        return (harness, (await harness.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct)).State);
    }

    private static string ActivityIdOf(string activity) => System.Text.Json.Nodes.JsonNode.Parse(activity)!["id"]!.GetValue<string>();

    [Fact]
    public async Task Delay_SuspendsWithADueTime_AndFiresWhenDue()
    {
        var (h, state) = await StartAsync(Activity("D", "Elsa.Delay", Literal("timeSpan", "2.00:00:00", "TimeSpan")));
        var bookmark = Assert.Single(state.Bookmarks);
        Assert.Equal(h.Clock.GetUtcNow().AddDays(2), bookmark.DueAt);
        h.Clock.Advance(TimeSpan.FromDays(2));
        await h.Runtime.FireDueTimersAsync(Ct);
        Assert.Equal(["fired"], h.Output.Lines);
    }

    [Fact]
    public async Task Delay_ResumedEarly_WaitsAgainAndNeverCompletesEarly()
    {
        var (h, state) = await StartAsync(Activity("D", "Elsa.Delay", Literal("timeSpan", "00:10:00", "TimeSpan")));
        var first = Assert.Single(state.Bookmarks);
        // A scheduler that fires a second early resumes the bookmark before its due time.
        h.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        state = (await h.Runtime.ResumeAsync(state.InstanceId, first.Id, cancellationToken: Ct)).State;
        Assert.Empty(h.Output.Lines);
        var again = Assert.Single(state.Bookmarks);
        Assert.Equal(first.DueAt, again.DueAt);
        Assert.NotEqual(first.Id, again.Id);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.Runtime.FireDueTimersAsync(Ct);
        Assert.Equal(["fired"], h.Output.Lines);
    }

    [Fact]
    public async Task Delay_OfMonths_IsJustADueTime()
    {
        var (h, state) = await StartAsync(Activity("D", "Elsa.Delay", Literal("timeSpan", "180.00:00:00", "TimeSpan")));
        Assert.Equal(h.Clock.GetUtcNow().AddDays(180), Assert.Single(state.Bookmarks).DueAt);
        h.Clock.Advance(TimeSpan.FromDays(179));
        Assert.Empty(await h.Runtime.FireDueTimersAsync(Ct));
        h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Single(await h.Runtime.FireDueTimersAsync(Ct));
    }

    [Fact]
    public async Task Timer_InsideAWorkflow_WaitsOneInterval()
    {
        var (h, state) = await StartAsync(Activity("T", "Elsa.Timer", Literal("interval", "00:05:00", "TimeSpan")));
        Assert.Equal(h.Clock.GetUtcNow().AddMinutes(5), Assert.Single(state.Bookmarks).DueAt);
    }

    [Fact]
    public async Task StartAt_InATimeZone_HonoursDaylightSaving()
    {
        // 2026-03-29 is the spring-forward day in Paris: 09:00 local is 07:00 UTC (CEST), the day before 08:00 UTC (CET).
        var (_, state) = await StartAsync(Activity("S", "Elsa.StartAt", Literal("dateTime", "2026-03-29T09:00:00", "DateTimeOffset") + "," + Literal("timeZone", "Europe/Paris")));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 7, 0, 0, TimeSpan.Zero), Assert.Single(state.Bookmarks).DueAt);
        var (_, before) = await StartAsync(Activity("S", "Elsa.StartAt", Literal("dateTime", "2026-03-28T09:00:00", "DateTimeOffset") + "," + Literal("timeZone", "Europe/Paris")));
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 8, 0, 0, TimeSpan.Zero), Assert.Single(before.Bookmarks).DueAt);
    }

    [Fact]
    public async Task StartAt_InThePast_CompletesAtOnce()
    {
        var (h, state) = await StartAsync(Activity("S", "Elsa.StartAt", Literal("dateTime", "2020-01-01T00:00:00Z", "DateTimeOffset")));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(["fired"], h.Output.Lines);
    }

    [Theory]
    [InlineData("0 9 * * MON-FRI", "2026-03-03T09:00:00Z")]
    [InlineData("30 0 12 * * *", "2026-03-02T12:00:30Z")]
    public async Task Cron_WaitsForTheNextOccurrence(string expression, string expected)
    {
        // The harness clock stands on Monday 2026-03-02 09:00:00 UTC; the next occurrence is strictly later.
        var (_, state) = await StartAsync(Activity("C", "Elsa.Cron", Literal("cronExpression", expression)));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(state.Bookmarks).DueAt);
    }

    [Fact]
    public async Task Cron_InATimeZone_UsesLocalTime()
    {
        var (_, state) = await StartAsync(Activity("C", "Elsa.Cron", Literal("cronExpression", "0 18 * * *") + "," + Literal("timeZone", "America/New_York")));
        // 18:00 in New York on 2026-03-02 (EST, UTC-5) is 23:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero), Assert.Single(state.Bookmarks).DueAt);
    }
}
