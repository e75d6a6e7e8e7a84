using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Tickets;

internal sealed record TicketDto(
    string Number, TicketKind Kind, string Title, string? Description, string Status, string? Requester,
    string? AssignmentGroup, string? Assignee, string? Parent, string? ServiceId, string? CatalogItemId, string? InstanceId,
    int? Priority, string? PriorityName, int? Impact, int? Urgency, string? ChangeType, string? Risk,
    DateTimeOffset? PlannedStart, DateTimeOffset? PlannedEnd, DateTimeOffset? DueAt, JsonObject Details,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ClosedAt, long Revision)
{
    public static TicketDto From(TicketRecord r) => new(
        r.Number, r.Kind, r.Title, r.Description, r.Status, r.Requester, r.AssignmentGroup, r.Assignee, r.ParentNumber, r.ServiceId,
        r.CatalogItemId, r.InstanceId, r.Priority, r.Priority is { } p ? PriorityMatrix.Name(p) : null, r.Impact, r.Urgency, r.ChangeType, r.Risk,
        r.PlannedStart, r.PlannedEnd, r.DueAt, JsonNode.Parse(r.Details) as JsonObject ?? [], r.CreatedAt, r.UpdatedAt, r.ClosedAt, r.Revision);
}

/// <summary>A history line: who (their user name, and the name people know them by when the directory has one), what kind, what.</summary>
internal sealed record TicketEventDto(DateTimeOffset At, string? Actor, string Kind, string Text, string? ActorName = null);

/// <summary>What a bookmark of the ticket's process waits on, in words (an approval, a task, an event, an SLA threshold).</summary>
/// <summary>Where a ticket's workflow is (the steps it waits on) and how its SLA clocks stand: breached, paused, running, met, or null without clocks.</summary>
internal sealed record TicketProgressDto(IReadOnlyList<string> WaitingOn, string? Sla);

/// <summary>A step the process waits on; for an approval, <c>Who</c> names the approvers yet to decide.</summary>
internal sealed record WaitingOnDto(string ActivityId, string Step, string ActivityType, DateTimeOffset? DueAt, IReadOnlyList<string>? Who = null);

/// <summary>A decision: <c>By</c> and <c>OnBehalfOf</c> are user names, <c>ByName</c> and <c>OnBehalfOfName</c> how people know them (display names).</summary>
internal sealed record ApprovalDecisionDto(string By, string? OnBehalfOf, string Decision, string? Comment, string Channel, DateTimeOffset At, string? ByName = null, string? OnBehalfOfName = null);

/// <summary>An approval of the ticket's process: who was asked (and when emailed), and every decision with its channel.</summary>
internal sealed record TicketApprovalDto(string Title, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, IReadOnlyList<string> Approvers, IReadOnlyList<ApprovalDecisionDto> Decisions);

/// <summary>An email the ticket's process sent (or is sending): to whom, about what, and whether it went.</summary>
/// <summary>An email of the ticket's process: sent, waiting (Error: the last temporary failure), or given up on (Failed: the server refused it for good).</summary>
internal sealed record TicketEmailDto(string Subject, IReadOnlyList<string> To, DateTimeOffset QueuedAt, DateTimeOffset? SentAt, string? Error, bool Failed);

/// <summary>
/// A ticket with its history, tasks, SLA clocks, approvals, emails and what its process waits on now;
/// <c>Movable</c>: a change whose process waits for a new window now (POST /api/changes/{number}/reschedule is taken).
/// </summary>
internal sealed record TicketDetailDto(
    TicketDto Ticket, IReadOnlyList<TicketEventDto> History, IReadOnlyList<TicketDto> Tasks, JsonObject Sla,
    IReadOnlyList<WaitingOnDto> WaitingOn, string? ProcessStatus, IReadOnlyList<TicketApprovalDto> Approvals, IReadOnlyList<TicketEmailDto> Emails,
    bool Movable = false, string? AssigneeName = null);

/// <summary>A note; <c>internal</c> makes it a work note, which only staff read (the requester never sees it, nobody is emailed).</summary>
internal sealed record NoteRequest(string Text, bool? Internal = null);

internal sealed record CloseTaskRequest(string State, string? Notes);

internal sealed record AssignRequest(string? Assignee, string? AssignmentGroup, long? Revision);
