namespace ItsmWorkflows.Engine.Activities.Timers;

/// <summary>Waits until a date and time (read in the given time zone when it has no offset).</summary>
public sealed class StartAt : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.StartAt",
        Category = "Scheduling",
        DisplayName = "Start At",
        Description = "Waits until the given date and time; as a trigger, starts the workflow then.",
        Inputs =
        [
            // Read as text: a DateTimeOffset input would be converted (as UTC) before the time zone below could apply.
            new InputDescriptor("dateTime", "String", "datetime-picker") { IsRequired = true, DisplayName = "Date and time" },
            new InputDescriptor("timeZone", "String", "singleline") { DisplayName = "Time zone", Description = "IANA time zone for a date and time without offset (default UTC)." },
        ],
        Kind = ActivityKind.Trigger,
        IsBlocking = true,
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (context.IsTriggeredStart) return ValueTask.FromResult(ActivityResult.Done);
        var text = context.GetString("dateTime") ?? "";
        var zone = TimerBookmarks.ResolveTimeZone(context.GetString("timeZone"));
        var due = ParseInZone(text, zone);
        return ValueTask.FromResult(TimerBookmarks.SuspendUntil(context, due));
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TimerBookmarks.OnResume(context, stimulus));

    /// <summary>A local date and time in a zone becomes an instant, honouring that day's daylight-saving offset.</summary>
    internal static DateTimeOffset ParseInZone(string text, TimeZoneInfo zone)
    {
        var hasOffset = text.EndsWith('Z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d\d:?\d\d$");
        if (hasOffset) return Expressions.ValueConverter.ToDateTimeOffset(System.Text.Json.Nodes.JsonValue.Create(text));
        if (!DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var local))
        {
            throw new Expressions.ExpressionEvaluationException($"'{text}' is not a date and time; write it as ISO 8601, for example 2026-01-31T09:00:00.");
        }
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) local = local.AddHours(1); // a time skipped by a spring-forward change runs at the first valid time after it
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
