using System.Globalization;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Activities.Sla;

/// <summary>
/// SLA clocks of a workflow instance, kept in its state under "sla" by name (response, resolution...).
/// Pausing, resuming or stopping a clock wakes the activities waiting on its thresholds.
/// </summary>
internal static class SlaClocks
{
    public const string Property = "sla";

    public static SlaClock? Find(ActivityContext context, string name) =>
        context.Instance.Properties.GetValueOrDefault(Property) is JsonObject all && all[name] is JsonNode json ? SlaClock.FromJson(json) : null;

    public static void Save(ActivityContext context, SlaClock clock)
    {
        if (context.Instance.Properties.GetValueOrDefault(Property) is not JsonObject all)
        {
            all = [];
            context.Instance.Properties[Property] = all;
        }
        all[clock.Name] = clock.ToJson();
    }

    public static string Stimulus(string instanceId, string name) => $"sla:{instanceId}:{name}";

    /// <summary>Wakes the threshold waiters of this clock once the burst has committed.</summary>
    public static void Signal(ActivityContext context, string name) =>
        context.AddEffect(new SignalEffect(WaitForSlaThreshold.TypeName, Stimulus(context.Instance.InstanceId, name), null));

    public static async ValueTask<BusinessCalendar?> CalendarAsync(ActivityContext context, string name, CancellationToken cancellationToken) =>
        await context.Services.Calendars.FindAsync(name, cancellationToken);

    // Not "name": in the Elsa format an activity's "name" is its display name, so an input called that would never be read.
    public static InputDescriptor NameInput { get; } = new("clock", "String", "singleline") { IsRequired = true, DefaultValue = "resolution", DisplayName = "Clock", Description = "Which clock: response, resolution, or any name." };
}

/// <summary>Starts (or restarts) an SLA clock with a target in working time on a calendar.</summary>
public sealed class StartSla : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Itsm.StartSla",
        Category = "ITSM",
        DisplayName = "Start SLA",
        Description = "Starts an SLA clock: a target in working time on a business calendar.",
        Inputs =
        [
            SlaClocks.NameInput,
            new InputDescriptor("target", "TimeSpan", "timespan") { IsRequired = true, Description = "Working time allowed, such as 04:00:00." },
            new InputDescriptor("calendar", "String", "singleline") { DefaultValue = "24x7", Description = "Business calendar the clock counts in." },
        ],
        Outputs = [new OutputDescriptor("sla", "Object") { Description = "The clock: target, due time, elapsed, percent." }],
    };

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString("clock");
        if (string.IsNullOrWhiteSpace(name)) return ActivityResult.Fault("Start SLA needs the clock's name.");
        var target = context.GetTimeSpan("target");
        if (target <= TimeSpan.Zero) return ActivityResult.Fault("Start SLA needs a positive target.");
        var calendarName = context.GetString("calendar") is { Length: > 0 } c ? c : BusinessCalendar.AlwaysOpen.Name;
        var calendar = await SlaClocks.CalendarAsync(context, calendarName, cancellationToken);
        if (calendar is null) return ActivityResult.Fault($"Start SLA: there is no business calendar '{calendarName}'.");
        var clock = new SlaClock { Name = name, Target = target, Calendar = calendar.Name, StartedAt = context.Now };
        SlaClocks.Save(context, clock);
        SlaClocks.Signal(context, name);
        context.SetOutput("sla", clock.Report(calendar, context.Now));
        return ActivityResult.Done;
    }
}

/// <summary>Pauses, resumes, stops or reopens a clock (they share everything but the verb).</summary>
public abstract class SlaClockChange : IActivity
{
    protected abstract string Verb { get; }

    public abstract ActivityDescriptor Descriptor { get; }

    protected abstract void Apply(SlaClock clock, DateTimeOffset now);

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString("clock") ?? "";
        var clock = SlaClocks.Find(context, name);
        if (clock is null) return ActivityResult.Fault($"{Verb} SLA: no SLA clock '{name}' was started in this workflow.");
        Apply(clock, context.Now);
        SlaClocks.Save(context, clock);
        SlaClocks.Signal(context, name);
        var calendar = await SlaClocks.CalendarAsync(context, clock.Calendar, cancellationToken) ?? BusinessCalendar.AlwaysOpen;
        context.SetOutput("sla", clock.Report(calendar, context.Now));
        return ActivityResult.Done;
    }

    protected static ActivityDescriptor Describe(string type, string displayName, string description) => new()
    {
        TypeName = type,
        Category = "ITSM",
        DisplayName = displayName,
        Description = description,
        Inputs = [SlaClocks.NameInput],
        Outputs = [new OutputDescriptor("sla", "Object") { Description = "The clock after the change: elapsed, percent, breached." }],
    };
}

public sealed class PauseSla : SlaClockChange
{
    protected override string Verb => "Pause";

    public override ActivityDescriptor Descriptor { get; } = Describe("Itsm.PauseSla", "Pause SLA", "Stops counting time on a clock until it is resumed (waiting on the customer).");

    protected override void Apply(SlaClock clock, DateTimeOffset now) => clock.Pause(now);
}

public sealed class ResumeSla : SlaClockChange
{
    protected override string Verb => "Resume";

    public override ActivityDescriptor Descriptor { get; } = Describe("Itsm.ResumeSla", "Resume SLA", "Counts time on a paused clock again.");

    protected override void Apply(SlaClock clock, DateTimeOffset now) => clock.Resume(now);
}

/// <summary>
/// Runs a stopped clock again: a resolved incident the requester says is not fixed. Kept apart from Resume SLA so
/// that a late "customer replied" on a resolved incident can never reopen its clock by accident.
/// </summary>
public sealed class ReopenSla : SlaClockChange
{
    protected override string Verb => "Reopen";

    public override ActivityDescriptor Descriptor { get; } = Describe("Itsm.ReopenSla", "Reopen SLA", "Runs a stopped clock again (a resolved incident reopened); the time it stood stopped does not count.");

    protected override void Apply(SlaClock clock, DateTimeOffset now) => clock.Reopen(now);
}

public sealed class StopSla : SlaClockChange
{
    protected override string Verb => "Stop";

    public override ActivityDescriptor Descriptor { get; } = Describe("Itsm.StopSla", "Stop SLA", "Stops a clock for good (responded, resolved); its final figures stay.");

    protected override void Apply(SlaClock clock, DateTimeOffset now) => clock.Stop(now);
}

/// <summary>
/// Waits until a clock reaches a percentage of its target (50 and 75 for warnings, 100 for the breach):
/// outcome "Reached", or "Stopped" when the clock is stopped first. Time paused does not count, and a
/// pause or resume moves the wait: the waiter is woken and waits again for the new instant.
/// </summary>
public sealed class WaitForSlaThreshold : IActivity
{
    public const string TypeName = "Itsm.WaitForSlaThreshold";

    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = TypeName,
        Category = "ITSM",
        DisplayName = "Wait for SLA threshold",
        Description = "Waits until an SLA clock reaches a percentage of its target (such as 50, 75 or 100), or is stopped first.",
        Inputs =
        [
            SlaClocks.NameInput,
            new InputDescriptor("percent", "Double", "singleline") { IsRequired = true, DefaultValue = 100, Description = "Percentage of the target: 50 and 75 warn, 100 is the breach." },
        ],
        Outputs = [new OutputDescriptor("sla", "Object") { Description = "The clock when the wait ended." }],
        Outcomes = ["Reached", "Stopped"],
        IsBlocking = true,
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => CheckAsync(context, cancellationToken);

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken) => CheckAsync(context, cancellationToken);

    private static async ValueTask<ActivityResult> CheckAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString("clock") ?? "";
        var clock = SlaClocks.Find(context, name);
        if (clock is null) return ActivityResult.Fault($"Wait for SLA threshold: no SLA clock '{name}' was started in this workflow.");
        var percent = double.Parse(context.GetString("percent") ?? "100", NumberStyles.Float, CultureInfo.InvariantCulture);
        if (percent is <= 0 or > 1000) return ActivityResult.Fault($"Wait for SLA threshold: {percent} is not a percentage of the target.");
        var calendar = await SlaClocks.CalendarAsync(context, clock.Calendar, cancellationToken) ?? BusinessCalendar.AlwaysOpen;
        var when = clock.WhenReaches(calendar, percent, context.Now);
        if (when is { } at && at <= context.Now)
        {
            context.SetOutput("sla", clock.Report(calendar, context.Now));
            return ActivityResult.Outcome("Reached");
        }
        if (clock.IsStopped)
        {
            context.SetOutput("sla", clock.Report(calendar, context.Now));
            return ActivityResult.Outcome("Stopped");
        }
        // Woken by a change of the clock (pause, resume, stop, restart), and by the instant it reaches the threshold while it runs.
        var changed = context.CreateBookmark(SlaClocks.Stimulus(context.Instance.InstanceId, name), new JsonObject { ["sla"] = name, ["percent"] = percent });
        if (when is not { } due) return ActivityResult.Suspend(changed);
        var timer = context.CreateBookmark($"sla-due:{context.Instance.InstanceId}:{name}:{percent}:{due.UtcDateTime:O}", new JsonObject { ["dueAt"] = due.UtcDateTime.ToString("O") }, due);
        return ActivityResult.Suspend(changed, timer);
    }
}
