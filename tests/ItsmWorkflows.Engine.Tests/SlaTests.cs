using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class SlaTests
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static BusinessCalendar NineToFive() => BusinessCalendar.FromJson(JsonNode.Parse("""
        { "name": "nine-to-five", "timeZone": "UTC", "hours": { "monday": ["09:00-17:00"], "tuesday": ["09:00-17:00"], "wednesday": ["09:00-17:00"], "thursday": ["09:00-17:00"], "friday": ["09:00-17:00"] } }
        """)!.AsObject());

    [Fact]
    public void Clock_CountsWorkingTimeExceptPauses_AndForecastsThresholds()
    {
        var calendar = NineToFive();
        var clock = new SlaClock { Name = "resolution", Target = TimeSpan.FromHours(8), Calendar = calendar.Name, StartedAt = At("2026-11-23T15:00:00Z") }; // Monday 15:00
        clock.Pause(At("2026-11-23T16:00:00Z"));
        clock.Resume(At("2026-11-24T10:00:00Z")); // paused 16:00-17:00 Monday and 09:00-10:00 Tuesday

        Assert.Equal(TimeSpan.FromHours(3), clock.Elapsed(calendar, At("2026-11-24T12:00:00Z"))); // 15-16 Monday, 10-12 Tuesday
        Assert.Equal(37.5, clock.Percent(calendar, At("2026-11-24T12:00:00Z")));
        Assert.Equal(At("2026-11-24T13:00:00Z"), clock.WhenReaches(calendar, 50, At("2026-11-24T12:00:00Z")));
        Assert.Equal(At("2026-11-24T17:00:00Z"), clock.WhenReaches(calendar, 100, At("2026-11-24T12:00:00Z"))); // the five hours left, Tuesday 12-17
        Assert.False(clock.Breached(calendar, At("2026-11-24T16:59:00Z")));
        Assert.True(clock.Breached(calendar, At("2026-11-24T17:00:00Z")));

        clock.Pause(At("2026-11-24T12:00:00Z"));
        Assert.Null(clock.WhenReaches(calendar, 100, At("2026-11-24T14:00:00Z")));
        Assert.Equal(TimeSpan.FromHours(3), clock.Elapsed(calendar, At("2026-11-24T16:00:00Z")));
        clock.Stop(At("2026-11-24T16:00:00Z"));
        Assert.Equal(TimeSpan.FromHours(3), clock.Elapsed(calendar, At("2026-11-30T16:00:00Z")));
        Assert.Equal(clock.ToJson().ToJsonString(), SlaClock.FromJson(clock.ToJson()).ToJson().ToJsonString());
    }

    [Fact]
    public void Segments_SplitTheClocksLife_IntoRunningPausedAndBreached_AtTheInstantOfBreach()
    {
        var calendar = NineToFive();
        var clock = new SlaClock { Name = "response", Target = TimeSpan.FromHours(4), Calendar = calendar.Name, StartedAt = At("2026-11-23T15:00:00Z") }; // Monday 15:00
        clock.Pause(At("2026-11-23T16:00:00Z"));
        clock.Resume(At("2026-11-24T10:00:00Z"));

        // One working hour on Monday, three more on Tuesday from 10:00: the target is reached at 13:00.
        var segments = clock.Segments(calendar, At("2026-11-24T14:00:00Z"));
        Assert.Equal(
            [
                new SlaSegment("running", At("2026-11-23T15:00:00Z"), At("2026-11-23T16:00:00Z")),
                new SlaSegment("paused", At("2026-11-23T16:00:00Z"), At("2026-11-24T10:00:00Z")),
                new SlaSegment("running", At("2026-11-24T10:00:00Z"), At("2026-11-24T13:00:00Z")),
                new SlaSegment("breached", At("2026-11-24T13:00:00Z"), At("2026-11-24T14:00:00Z")),
            ],
            segments);

        // At the very instant of breach the breached stretch exists, zero long.
        Assert.Equal(new SlaSegment("breached", At("2026-11-24T13:00:00Z"), At("2026-11-24T13:00:00Z")), clock.Segments(calendar, At("2026-11-24T13:00:00Z"))[^1]);

        // Paused again after the breach, then stopped: the pause stays a pause, nothing runs past the stop.
        clock.Pause(At("2026-11-24T15:00:00Z"));
        clock.Stop(At("2026-11-24T16:00:00Z"));
        var later = clock.Segments(calendar, At("2026-11-30T09:00:00Z"));
        Assert.Equal(new SlaSegment("breached", At("2026-11-24T13:00:00Z"), At("2026-11-24T15:00:00Z")), later[^2]);
        Assert.Equal(new SlaSegment("paused", At("2026-11-24T15:00:00Z"), At("2026-11-24T16:00:00Z")), later[^1]);

        var report = clock.Report(calendar, At("2026-11-30T09:00:00Z"));
        Assert.Equal(5, report["segments"]!.AsArray().Count);
        Assert.Equal("breached", report["segments"]![3]!["state"]!.GetValue<string>());
    }

    [Fact]
    public void Report_OfABreachedClock_KeepsTheInstantItWasDue_WhileElapsedGrows()
    {
        var calendar = NineToFive();
        var clock = new SlaClock { Name = "response", Target = TimeSpan.FromHours(4), Calendar = calendar.Name, StartedAt = At("2026-11-23T15:00:00Z") }; // Monday 15:00
        clock.Pause(At("2026-11-23T16:00:00Z"));
        clock.Resume(At("2026-11-24T10:00:00Z"));

        // Due Tuesday 13:00 (one working hour on Monday, three from 10:00 on Tuesday, the pause not counted), however late it is read.
        var soon = clock.Report(calendar, At("2026-11-24T14:00:00Z"));
        var later = clock.Report(calendar, At("2026-11-24T15:30:00Z"));
        Assert.Equal("2026-11-24T13:00:00.0000000+00:00", soon["dueAt"]!.GetValue<string>());
        Assert.Equal("2026-11-24T13:00:00.0000000+00:00", later["dueAt"]!.GetValue<string>());
        Assert.True(later["breached"]!.GetValue<bool>());
        Assert.Equal("05:00:00", soon["elapsed"]!.GetValue<string>());
        Assert.Equal("06:30:00", later["elapsed"]!.GetValue<string>());
        Assert.Equal(162.5, later["percent"]!.GetValue<double>());
        Assert.Equal(At("2026-11-24T11:00:00Z"), clock.WhenReaches(calendar, 50, At("2026-11-24T15:30:00Z"))); // the warning's instant stays too

        // Stopped after the breach: still due when it was due.
        clock.Stop(At("2026-11-24T16:00:00Z"));
        Assert.Equal("2026-11-24T13:00:00.0000000+00:00", clock.Report(calendar, At("2026-11-30T09:00:00Z"))["dueAt"]!.GetValue<string>());
    }

    [Fact]
    public void Segments_OfAClockWithinTarget_AreOneRunningStretchUpToNow()
    {
        var clock = new SlaClock { Name = "resolution", Target = TimeSpan.FromHours(8), StartedAt = At("2026-11-23T09:00:00Z") };
        var segment = Assert.Single(clock.Segments(BusinessCalendar.AlwaysOpen, At("2026-11-23T12:30:00Z")));
        Assert.Equal(new SlaSegment("running", At("2026-11-23T09:00:00Z"), At("2026-11-23T12:30:00Z")), segment);
    }

    private static string Wait(string id, int percent) => Activity(id, "Itsm.WaitForSlaThreshold", string.Join(",", Literal("clock", "resolution"), Literal("percent", percent.ToString(System.Globalization.CultureInfo.InvariantCulture), "Double")));

    private static string Sla(string id, string type) => Activity(id, type, Literal("clock", "resolution"));

    [Fact]
    public async Task Warnings_AndBreach_FireAtTheirInstants_InWorkingTime()
    {
        var h = new EngineHarness(calendars: new InMemoryCalendarProvider().Add(NineToFive()));
        h.Clock.SetUtcNow(At("2026-11-27T15:00:00Z")); // Friday 15:00
        var state = await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Start1", "Itsm.StartSla", string.Join(",", Literal("clock", "resolution"), Literal("target", "04:00:00", "TimeSpan"), Literal("calendar", "nine-to-five"))),
                Wait("Half", 50), WriteLine("Warn", "50% of the resolution time used"), Wait("Full", 100), WriteLine("Breach", "resolution breached")),
            string.Join(",", Connect("Start1", "Half"), Connect("Half", "Warn", "Reached"), Connect("Warn", "Full"), Connect("Full", "Breach", "Reached"))));

        Assert.Equal(At("2026-11-27T17:00:00Z"), state.Bookmarks.Single(b => b.DueAt is not null).DueAt);
        h.Clock.SetUtcNow(At("2026-11-27T16:59:59Z"));
        await h.Runtime.FireTimerAsync(state.InstanceId, state.Bookmarks.Single(b => b.DueAt is not null).Id, TestContext.Current.CancellationToken);
        Assert.Empty(h.Output.Lines); // never early
        h.Clock.SetUtcNow(At("2026-11-27T17:00:00Z"));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["50% of the resolution time used"], h.Output.Lines);

        var waiting = (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Equal(At("2026-11-30T11:00:00Z"), waiting.Bookmarks.Single(b => b.DueAt is not null).DueAt); // Monday 11:00
        h.Clock.SetUtcNow(At("2026-11-30T11:00:00Z"));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        Assert.Equal("resolution breached", h.Output.Lines[^1]);
    }

    [Fact]
    public async Task PausingMovesTheWait_AndStoppingEndsIt()
    {
        var h = new EngineHarness();
        h.Clock.SetUtcNow(At("2026-11-27T09:00:00Z"));
        var fork = Activity("Fork", "Elsa.FlowFork", """ "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": "[\"Watch\",\"Customer\"]" } } """);
        var definition = Flowchart(
            string.Join(",",
                Activity("Start1", "Itsm.StartSla", string.Join(",", Literal("clock", "resolution"), Literal("target", "02:00:00", "TimeSpan"))), fork,
                Wait("Full", 100), WriteLine("Breach", "breached"), WriteLine("Done", "stopped in time"),
                Activity("Asked", "Elsa.Event", Literal("eventName", "waiting-on-customer")), Sla("Pause1", "Itsm.PauseSla"),
                Activity("Replied", "Elsa.Event", Literal("eventName", "customer-replied")), Sla("Resume1", "Itsm.ResumeSla"),
                Activity("Solved", "Elsa.Event", Literal("eventName", "solved")), Sla("Stop1", "Itsm.StopSla")),
            string.Join(",", Connect("Start1", "Fork"), Connect("Fork", "Full", "Watch"), Connect("Full", "Breach", "Reached"), Connect("Full", "Done", "Stopped"),
                Connect("Fork", "Asked", "Customer"), Connect("Asked", "Pause1"), Connect("Pause1", "Replied"), Connect("Replied", "Resume1"), Connect("Resume1", "Solved"), Connect("Solved", "Stop1")));
        var state = await h.StartAsync(definition);
        Assert.Equal(At("2026-11-27T11:00:00Z"), state.Bookmarks.Single(b => b.DueAt is not null).DueAt);

        h.Clock.SetUtcNow(At("2026-11-27T10:00:00Z"));
        await h.Runtime.TriggerEventAsync("waiting-on-customer", cancellationToken: TestContext.Current.CancellationToken);
        var paused = (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.DoesNotContain(paused.Bookmarks, b => b.DueAt is not null); // no breach while the customer is asked

        h.Clock.SetUtcNow(At("2026-11-27T13:00:00Z"));
        await h.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        Assert.Empty(h.Output.Lines);
        await h.Runtime.TriggerEventAsync("customer-replied", cancellationToken: TestContext.Current.CancellationToken);
        var resumed = (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Equal(At("2026-11-27T14:00:00Z"), resumed.Bookmarks.Single(b => b.DueAt is not null).DueAt); // one hour was left

        h.Clock.SetUtcNow(At("2026-11-27T13:30:00Z"));
        await h.Runtime.TriggerEventAsync("solved", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["stopped in time"], h.Output.Lines);
        var done = (await h.Instances.FindAsync(state.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        var sla = done.ActivityOutputs["Full"]["sla"]!;
        Assert.Equal(75, sla["percent"]!.GetValue<double>());
        Assert.False(sla["breached"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TwoClocks_AreKeptApart_StoppingOneLeavesTheOther()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Response", "Itsm.StartSla", string.Join(",", Literal("clock", "response"), Literal("target", "00:30:00", "TimeSpan"))),
                Activity("Resolution", "Itsm.StartSla", string.Join(",", Literal("clock", "resolution"), Literal("target", "08:00:00", "TimeSpan"))),
                Activity("Responded", "Itsm.StopSla", Literal("clock", "response"))),
            string.Join(",", Connect("Response", "Resolution"), Connect("Resolution", "Responded"))));

        var clocks = state.Properties["sla"]!.AsObject();
        Assert.NotNull(clocks["response"]!["stoppedAt"]);
        Assert.Null(clocks["resolution"]!["stoppedAt"]);
        Assert.Equal("08:00:00", clocks["resolution"]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancellingTheInstance_CallsOffItsRunningClocks_AStoppedOneKeepsItsOutcome()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Response", "Itsm.StartSla", string.Join(",", Literal("clock", "response"), Literal("target", "00:30:00", "TimeSpan"))),
                Activity("Resolution", "Itsm.StartSla", string.Join(",", Literal("clock", "resolution"), Literal("target", "08:00:00", "TimeSpan"))),
                Activity("Responded", "Itsm.StopSla", Literal("clock", "response")),
                Activity("Later", "Elsa.Delay", Literal("timeSpan", "1.00:00:00", "TimeSpan"))),
            string.Join(",", Connect("Response", "Resolution"), Connect("Resolution", "Responded"), Connect("Responded", "Later"))));
        h.Clock.Advance(TimeSpan.FromHours(10)); // past the resolution target: cancelled is not breached

        var cancelled = (await h.Runtime.CancelAsync(state.InstanceId, TestContext.Current.CancellationToken)).State;

        var clocks = cancelled.Properties["sla"]!.AsObject();
        var resolution = SlaClock.FromJson(clocks["resolution"]!);
        Assert.Equal(h.Clock.GetUtcNow(), resolution.StoppedAt);
        Assert.Equal("cancelled", resolution.State(BusinessCalendar.AlwaysOpen, h.Clock.GetUtcNow().AddDays(5)));
        Assert.False(resolution.Report(BusinessCalendar.AlwaysOpen, h.Clock.GetUtcNow())["breached"]!.GetValue<bool>());
        var response = SlaClock.FromJson(clocks["response"]!);
        Assert.False(response.Cancelled);
        Assert.Equal("met", response.State(BusinessCalendar.AlwaysOpen, h.Clock.GetUtcNow()));
    }

    [Fact]
    public void Reopen_RunsAStoppedClockAgain_TheStoppedTimeIsAPause_AndResumeLeavesAStoppedClockAlone()
    {
        var calendar = BusinessCalendar.AlwaysOpen;
        var clock = new SlaClock { Name = "resolution", Target = TimeSpan.FromHours(2), StartedAt = At("2026-11-27T09:00:00Z") };
        clock.Stop(At("2026-11-27T10:00:00Z"));
        clock.Resume(At("2026-11-27T11:00:00Z")); // a late "customer replied" on a resolved incident
        Assert.True(clock.IsStopped);
        Assert.Equal("met", clock.State(calendar, At("2026-11-27T12:00:00Z")));

        clock.Reopen(At("2026-11-28T10:00:00Z"));
        Assert.False(clock.IsStopped);
        Assert.Equal(new SlaPause(At("2026-11-27T10:00:00Z"), At("2026-11-28T10:00:00Z")), Assert.Single(clock.Pauses));
        Assert.Equal(TimeSpan.FromMinutes(90), clock.Elapsed(calendar, At("2026-11-28T10:30:00Z")));
        Assert.Equal("running", clock.State(calendar, At("2026-11-28T10:30:00Z")));
        Assert.Equal(At("2026-11-28T11:00:00Z"), clock.WhenReaches(calendar, 100, At("2026-11-28T10:30:00Z")));
        Assert.Equal(["running", "paused", "running"], clock.Segments(calendar, At("2026-11-28T10:30:00Z")).Select(s => s.State));

        clock.Reopen(At("2026-11-28T10:45:00Z")); // not stopped: nothing changes
        Assert.Single(clock.Pauses);
    }

    [Fact]
    public async Task UnknownClock_AndUnknownCalendar_FaultClearly()
    {
        var h = new EngineHarness();
        var noClock = await h.StartAsync(Flowchart(Wait("Full", 100)));
        Assert.Contains("no SLA clock 'resolution'", Assert.Single(noClock.Incidents).Message);

        var h2 = new EngineHarness();
        var noCalendar = await h2.StartAsync(Flowchart(Activity("Start1", "Itsm.StartSla", string.Join(",", Literal("clock", "r"), Literal("target", "01:00:00", "TimeSpan"), Literal("calendar", "nowhere")))));
        Assert.Contains("no business calendar 'nowhere'", Assert.Single(noCalendar.Incidents).Message);
        Assert.Equal(WorkflowSubStatus.Faulted, noCalendar.SubStatus);
    }
}
