using Cronos;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities.Timers;

/// <summary>A cron schedule (5 fields, or 6 with seconds) in a time zone; inside a running workflow it waits for the next occurrence.</summary>
public sealed class Cron : IActivity, IPreparingActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Cron",
        Category = "Scheduling",
        DisplayName = "Cron",
        Description = "Starts the workflow on a cron schedule; inside a running workflow it waits for the next occurrence. Daylight-saving changes are honoured in the given time zone.",
        Inputs =
        [
            new InputDescriptor("cronExpression", "String", "singleline") { IsRequired = true, DisplayName = "Cron expression", Description = "5 fields (minute hour day month weekday) or 6 with seconds first, e.g. 0 0 * * * *." },
            new InputDescriptor("timeZone", "String", "singleline") { DisplayName = "Time zone", Description = "IANA time zone (default UTC)." },
        ],
        Kind = ActivityKind.Trigger,
        IsBlocking = true,
    };

    /// <summary>Parses a literal expression at compile time, so a bad expression is a validation error, not a runtime fault.</summary>
    public object? Prepare(PlanNode node)
    {
        if (node.Inputs.TryGetValue("cronExpression", out var input) && input.Expression?.IsConstant == true)
        {
            return Parse(ValueConverter.ToText(input.Expression.Constant) ?? "");
        }
        return null;
    }

    public static CronExpression Parse(string expression)
    {
        var text = expression.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw new FormatException($"The cron expression '{expression}' is not valid: {ex.Message} Use 5 fields (minute hour day month weekday) or 6 with seconds first.", ex);
        }
    }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (context.IsTriggeredStart) return ValueTask.FromResult(ActivityResult.Done);
        CronExpression cron;
        try
        {
            cron = context.Node.Prepared as CronExpression ?? Parse(context.GetString("cronExpression") ?? "");
        }
        catch (FormatException ex)
        {
            return ValueTask.FromResult(ActivityResult.Fault(ex.Message));
        }
        var zone = TimerBookmarks.ResolveTimeZone(context.GetString("timeZone"));
        var next = cron.GetNextOccurrence(context.Now, zone);
        return ValueTask.FromResult(next is null ? ActivityResult.Done : TimerBookmarks.SuspendUntil(context, next.Value));
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TimerBookmarks.OnResume(context, stimulus));
}
