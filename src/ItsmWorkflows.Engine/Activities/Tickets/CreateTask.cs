using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Tickets;

/// <summary>
/// Opens a fulfilment task (TASK…) under the workflow's ticket, assigned to a group and optionally a person,
/// and waits until someone closes it: outcome "Complete" or "Incomplete". The task is opened in the same
/// transaction as the step, and withdrawn (cancelled) if the activity is cancelled while it waits.
/// </summary>
public sealed class CreateTask : IActivity, ICancellableActivity
{
    public const string TypeName = "Itsm.CreateTask";

    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = TypeName,
        Category = "ITSM",
        DisplayName = "Create Task",
        Description = "Opens a task for a group (or a person) under the ticket and waits until it is closed complete or incomplete.",
        Inputs =
        [
            new InputDescriptor("title", "String", "singleline") { IsRequired = true, DisplayName = "Title", Description = "What to do, such as Prepare laptop for Alice." },
            new InputDescriptor("description", "String", "multiline") { DisplayName = "Description", Description = "Instructions for whoever works the task." },
            new InputDescriptor("assignmentGroup", "String", "singleline") { DisplayName = "Assignment group", Description = "The group whose queue the task lands in." },
            new InputDescriptor("assignee", "String", "singleline") { DisplayName = "Assignee", Description = "User name of the person, if known in advance." },
            TicketChanges.TicketInput,
            new InputDescriptor("dueIn", "TimeSpan", "timespan") { DisplayName = "Due in", Description = "Working time until the task is due (shown to the group; it does not close the task)." },
            new InputDescriptor("calendar", "String", "singleline") { DisplayName = "Calendar", Description = "Business calendar the due time counts in; empty counts every hour." },
            NotifyInput,
        ],
        Outputs =
        [
            new OutputDescriptor("taskId", "String") { Description = "The task's id." },
            new OutputDescriptor("closedBy", "String") { Description = "Who closed the task." },
            new OutputDescriptor("notes", "String") { Description = "The closing notes." },
        ],
        Outcomes = ["Complete", "Incomplete"],
        IsBlocking = true,
    };

    /// <summary>
    /// The email about the task is sent by the host as it opens (and numbers) the task, in the same transaction:
    /// a Notify Group step before Create Task cannot name the task, which has no number until the step commits.
    /// </summary>
    public static InputDescriptor NotifyInput { get; } = new("notify", "Boolean", "checkbox")
    {
        DisplayName = "Notify",
        Description = "Email the assignee (or, without one, every member of the group) when the task opens, with its number (template task-assigned).",
    };

    public static string Stimulus(string taskId) => "task:" + taskId;

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var title = context.GetString("title");
        if (string.IsNullOrWhiteSpace(title)) return ActivityResult.Fault("Create Task needs a title: what is to be done.");
        var group = context.GetString("assignmentGroup");
        var assignee = context.GetString("assignee");
        if (string.IsNullOrWhiteSpace(group) && string.IsNullOrWhiteSpace(assignee))
        {
            return ActivityResult.Fault("Create Task needs an assignment group or an assignee: nobody would see the task.");
        }
        var ticket = TicketChanges.Ticket(context);
        if (string.IsNullOrWhiteSpace(ticket)) return ActivityResult.Fault("Create Task names no ticket, and the workflow has no correlation id to stand for it.");
        DateTimeOffset? dueAt = null;
        if (context.HasInput("dueIn") && context.GetTimeSpan("dueIn") is { } dueIn && dueIn > TimeSpan.Zero)
        {
            var calendarName = context.GetString("calendar");
            if (string.IsNullOrWhiteSpace(calendarName)) dueAt = context.Now + dueIn;
            else
            {
                var calendar = await context.Services.Calendars.FindAsync(calendarName, cancellationToken);
                if (calendar is null) return ActivityResult.Fault($"Create Task: there is no business calendar '{calendarName}'.");
                dueAt = calendar.Add(context.Now, dueIn);
            }
        }

        var taskId = context.NewId();
        var open = new JsonObject
        {
            ["id"] = taskId,
            ["parent"] = ticket,
            ["title"] = title.Trim(),
            ["description"] = context.GetString("description"),
            ["assignmentGroup"] = string.IsNullOrWhiteSpace(group) ? null : group.Trim(),
            ["assignee"] = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim(),
            ["dueAt"] = dueAt?.UtcDateTime.ToString("O"),
        };
        if (context.GetBool(NotifyInput.Name)) open["notify"] = true;
        TicketChanges.Add(context, TicketChanges.OpenTask, open);
        context.GetState<JsonFrameState>().Data = new JsonObject { ["taskId"] = taskId };
        context.SetOutput("taskId", taskId);
        return ActivityResult.Suspend(context.CreateBookmark(Stimulus(taskId), new JsonObject { ["taskId"] = taskId, ["title"] = title.Trim() }));
    }

    /// <summary>The host resumes with <c>{ "state": "Complete" | "Incomplete", "by": user, "notes": text }</c>.</summary>
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken)
    {
        var taskId = context.GetState<JsonFrameState>().Data["taskId"]?.GetValue<string>();
        var report = stimulus.Payload as JsonObject;
        var incomplete = string.Equals(report?["state"]?.ToString(), "Incomplete", StringComparison.OrdinalIgnoreCase);
        var by = report?["by"]?.ToString();
        var notes = report?["notes"]?.ToString();
        TicketChanges.Add(context, TicketChanges.CloseTask, new JsonObject
        {
            ["id"] = taskId,
            ["status"] = incomplete ? "Closed Incomplete" : "Closed Complete",
            ["by"] = by,
            ["notes"] = notes,
        });
        context.GetState<JsonFrameState>().Data["closed"] = true;
        context.SetOutput("closedBy", by);
        context.SetOutput("notes", notes);
        return ValueTask.FromResult(ActivityResult.Outcome(incomplete ? "Incomplete" : "Complete"));
    }

    public void OnCancelled(ActivityContext context)
    {
        var data = context.GetState<JsonFrameState>().Data;
        if (data["taskId"]?.GetValue<string>() is not { } taskId || data["closed"] is not null) return;
        TicketChanges.Add(context, TicketChanges.CancelTask, new JsonObject { ["id"] = taskId });
    }
}
