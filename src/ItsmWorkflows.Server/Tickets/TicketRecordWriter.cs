using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Tickets;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// Applies the record changes of a burst (status updates, tasks opened, closed or withdrawn) to the tickets,
/// inside the transaction that saves the burst: the instance and its tickets never disagree.
/// A change for a ticket that does not exist is skipped with a warning, not failed: the workflow step
/// itself is sound, and failing it would only stop the process.
/// A workflow changes only its own ticket and tasks (those of its instance, or of an instance it descends from
/// when it runs as a child or grandchild): any instance can name any ticket number, and one started by hand with a ticket's
/// number as its correlation id must not move that ticket past its approval.
/// </summary>
internal sealed partial class TicketRecordWriter(ItsmDbContext db, WorkflowServices services, ILogger<TicketRecordWriter> logger)
{
    /// <summary>Applies the changes (the caller saves and commits); true when it queued email in the outbox, to wake its delivery after the commit.</summary>
    public async Task<bool> ApplyAsync(IReadOnlyList<RecordChange> changes, CancellationToken cancellationToken)
    {
        var queuedMail = false;
        foreach (var change in changes)
        {
            var p = change.Payload;
            var at = DateTimeOffset.Parse(p["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            switch (change.Kind)
            {
                case TicketChanges.Update:
                    await UpdateAsync(Text(p, "ticket")!, p, at, cancellationToken);
                    break;
                case TicketChanges.OpenTask:
                    queuedMail |= await OpenTaskAsync(p, at, cancellationToken);
                    break;
                case TicketChanges.CloseTask:
                    await CloseTaskAsync(p, Text(p, "status") ?? "Closed Complete", Text(p, "by"), Text(p, "notes"), at, cancellationToken);
                    break;
                case TicketChanges.CancelTask:
                    await CloseTaskAsync(p, TicketStatuses.Cancelled, ProcessActor, "Withdrawn: the process no longer needs it.", at, cancellationToken);
                    break;
                default:
                    LogUnknown(logger, change.Kind);
                    break;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return queuedMail;
    }

    private async Task UpdateAsync(string number, JsonObject p, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var ticket = await FindAsync(t => t.Number == number, cancellationToken);
        if (ticket is null)
        {
            LogMissing(logger, number, Text(p, "instanceId"));
            return;
        }
        if (!Owns(ticket, p)) return;
        var actor = Text(p, "actor");
        if (Text(p, "status") is { } status && status != ticket.Status)
        {
            Event(ticket.Number, at, "status", $"{ticket.Status} → {status}" + (Text(p, "note") is { } why ? ": " + why : ""), actor);
            ticket.Status = status;
            ticket.ClosedAt = TicketStatuses.IsFinal(status) ? at : null;
        }
        else if (Text(p, "note") is { } note)
        {
            Event(ticket.Number, at, "note", note, actor);
        }
        if (Text(p, "assignmentGroup") is { } group && group != ticket.AssignmentGroup)
        {
            Event(ticket.Number, at, "assigned", $"Assigned to {group}" + (ticket.AssignmentGroup is { } from ? $" (was {from})" : ""), actor);
            ticket.AssignmentGroup = group;
            ticket.Assignee = Text(p, "assignee");
        }
        else if (Text(p, "assignee") is { } assignee && assignee != ticket.Assignee)
        {
            // Named as people know them (the user name stays on the ticket's assignee).
            Event(ticket.Number, at, "assigned", $"Assigned to {await Identity.DisplayNames.OfAsync(db, assignee, cancellationToken)}", actor);
            ticket.Assignee = assignee;
        }
        if (Text(p, "risk") is { } risk) ticket.Risk = risk;
        ticket.UpdatedAt = at;
        ticket.Revision++;
    }

    /// <summary>Opens and numbers the task; true when it also queued the email about it.</summary>
    private async Task<bool> OpenTaskAsync(JsonObject p, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var id = Text(p, "id")!;
        // Idempotent: the same burst applied twice (a retry after an unknown commit outcome) opens one task, and emails once.
        if (await db.Tickets.AnyAsync(t => t.Id == id, cancellationToken)) return false;
        var parentNumber = Text(p, "parent");
        var parent = parentNumber is null ? null : await FindAsync(t => t.Number == parentNumber, cancellationToken);
        if (parent is not null && !Owns(parent, p)) return false;
        var number = await TicketNumbers.NextAsync(db, TicketKind.Task, cancellationToken);
        var task = new TicketRecord
        {
            Id = id,
            Number = number,
            Kind = TicketKind.Task,
            // A title the process composed ('Implement CHG…: ' + the change's title) may not fit: cut to the column, not fail the step.
            Title = Clamp(Text(p, "title") ?? "Task", TicketRecord.MaxTitleLength),
            Description = Text(p, "description"),
            Status = "Open",
            Requester = parent?.Requester,
            AssignmentGroup = Text(p, "assignmentGroup"),
            Assignee = Text(p, "assignee"),
            ParentNumber = parentNumber,
            ServiceId = parent?.ServiceId,
            InstanceId = Text(p, "instanceId"),
            DueAt = Text(p, "dueAt") is { } due ? DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture) : null,
            Details = new JsonObject { ["activityId"] = Text(p, "activityId") }.ToJsonString(),
            CreatedAt = at,
            UpdatedAt = at,
        };
        db.Tickets.Add(task);
        Event(number, at, "created", $"Opened for {Text(p, "assignee") ?? Text(p, "assignmentGroup")}");
        if (parentNumber is not null) Event(parentNumber, at, "task", $"{number} opened: {Text(p, "title")}");
        return p["notify"] is JsonValue notify && notify.TryGetValue<bool>(out var wanted) && wanted && await QueueEmailAsync(task, parent, at, cancellationToken);
    }

    /// <summary>
    /// The email about the task, in the outbox in the same transaction as the task: no email names a task that was
    /// never opened, and delivery sends it at least once, listed with the ticket's other emails.
    /// </summary>
    private async Task<bool> QueueEmailAsync(TicketRecord task, TicketRecord? parent, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var message = await TaskAssignedEmail.ComposeAsync(db, task, parent, services.NewId(), services.TicketUrl, cancellationToken);
        if (message is null)
        {
            // A notification that cannot go out does not hold up the task (as the workflow's own notifications).
            LogNobodyToEmail(logger, task.Number, task.Assignee ?? task.AssignmentGroup);
            return false;
        }
        db.Outbox.Add(OutboxMessage.ForEmail(message, task.InstanceId, at));
        return true;
    }

    private async Task CloseTaskAsync(JsonObject p, string status, string? by, string? notes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var id = Text(p, "id")!;
        var task = await FindAsync(t => t.Id == id, cancellationToken);
        if (task is null || TicketStatuses.IsFinal(task.Status) || !Owns(task, p)) return;
        task.Status = status;
        task.ClosedAt = at;
        task.UpdatedAt = at;
        task.Revision++;
        var details = JsonNode.Parse(task.Details) as JsonObject ?? [];
        details["closedBy"] = by;
        details["closeNotes"] = notes;
        task.Details = details.ToJsonString();
        Event(task.Number, at, "status", status + (notes is { Length: > 0 } ? ": " + notes : ""), by);
        // Named as people know them (the requester reads this line on her request), as the assignment lines are.
        if (task.ParentNumber is not null) Event(task.ParentNumber, at, "task", $"{task.Number} {status.ToLowerInvariant()}" + (by is null ? "" : " by " + await Identity.DisplayNames.OfAsync(db, by, cancellationToken)));
    }

    /// <summary>The ticket belongs to the instance making the change, or to one it descends from (parent, grandparent…); otherwise the change is skipped with a warning.</summary>
    private bool Owns(TicketRecord ticket, JsonObject p)
    {
        if (ticket.InstanceId is { } owner && (owner == Text(p, "instanceId") || owner == Text(p, "parentInstanceId")
            || (p["ancestorInstanceIds"] is JsonArray ancestors && ancestors.Any(a => a is JsonValue v && v.TryGetValue<string>(out var id) && id == owner)))) return true;
        LogNotOwned(logger, ticket.Number, Text(p, "instanceId"), ticket.InstanceId);
        return false;
    }

    /// <summary>Tracked rows first: a change earlier in the same burst (a task opened, then closed) is not saved yet.</summary>
    private async Task<TicketRecord?> FindAsync(System.Linq.Expressions.Expression<Func<TicketRecord, bool>> match, CancellationToken cancellationToken) =>
        db.Tickets.Local.AsQueryable().FirstOrDefault(match) ?? await db.Tickets.FirstOrDefaultAsync(match, cancellationToken);

    /// <summary>The actor of the history lines the process writes (a requester reads them with others' addresses hidden).</summary>
    public const string ProcessActor = "workflow";

    private void Event(string number, DateTimeOffset at, string kind, string text, string? actor = ProcessActor) =>
        db.TicketEvents.Add(new TicketEventRecord { TicketNumber = number, At = at, Actor = actor ?? ProcessActor, Kind = kind, Text = text });

    private static string Clamp(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string? Text(JsonObject p, string name) => p[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A workflow step changed ticket {Number}, which does not exist (instance {InstanceId}); skipped")]
    private static partial void LogMissing(ILogger logger, string number, string? instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId} tried to change ticket {Number}, which belongs to instance {Owner}; skipped")]
    private static partial void LogNotOwned(ILogger logger, string number, string? instanceId, string? owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Number} opened without an email: nobody in {Recipient} has a usable email address")]
    private static partial void LogNobodyToEmail(ILogger logger, string number, string? recipient);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown record change {Kind}; skipped")]
    private static partial void LogUnknown(ILogger logger, string kind);
}
