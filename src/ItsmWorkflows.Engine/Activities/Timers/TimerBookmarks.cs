using System.Globalization;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Timers;

/// <summary>
/// Timer bookmarks: the due time is stored on the bookmark and the host fires it. A resume that arrives
/// before the due time (a scheduler may fire up to a second early) suspends again with the same due time,
/// so a timer never completes early.
/// </summary>
internal static class TimerBookmarks
{
    public static ActivityResult SuspendUntil(ActivityContext context, DateTimeOffset dueAt)
    {
        if (dueAt <= context.Now) return ActivityResult.Done;
        var text = dueAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var bookmark = context.CreateBookmark("timer:" + context.Frame.Id + ":" + text, new JsonObject { ["dueAt"] = text }, dueAt);
        return ActivityResult.Suspend(bookmark);
    }

    public static ActivityResult OnResume(ActivityContext context, ResumeStimulus stimulus)
    {
        var dueAt = stimulus.Bookmark.DueAt ?? ValueConverter.ToDateTimeOffset(stimulus.Bookmark.Payload?["dueAt"]);
        return dueAt > context.Now ? SuspendUntil(context, dueAt) : ActivityResult.Done;
    }

    public static TimeZoneInfo ResolveTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new ExpressionEvaluationException($"Time zone '{id}' is unknown; use an IANA name such as Europe/Paris.", ex);
        }
    }
}
