using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>What a ticket's page reads: the ticket with its history, tasks, SLA clocks, waits, approvals and emails.</summary>
internal sealed partial class TicketService
{
    /// <summary>What a change's process waits on when it takes a new window (the event the reschedule endpoint sends).</summary>
    private static readonly string RescheduleStimulus = Engine.Activities.Events.Event.StimulusHashOf(Changes.ChangeEndpoints.RescheduledEvent);

    public async Task<TicketDetailDto> DetailAsync(string number, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await FindAsync(number, null, cancellationToken);
        number = ticket.Number;
        if (!await CanReadAsync(db, user, ticket, time, cancellationToken)) throw ProblemException.NotFound($"There is no ticket {number}.");
        var history = await db.TicketEvents.AsNoTracking().Where(e => e.TicketNumber == number).OrderBy(e => e.Id)
            .Select(e => new TicketEventDto(e.At, e.Actor, e.Kind, e.Text, null)).ToListAsync(cancellationToken);
        var actorNames = await DisplayNames.OfAsync(db, history.Select(h => h.Actor).Append(ticket.Assignee), cancellationToken);
        history = [.. history.Select(h => h.Actor is { } a && actorNames.TryGetValue(a, out var name) ? h with { ActorName = name } : h)];
        var tasks = await db.Tickets.AsNoTracking().Where(t => t.ParentNumber == number).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken);
        var sla = new JsonObject();
        var waiting = new List<WaitingOnDto>();
        string? processStatus = null;
        var movable = false;
        // A task's instance is its request's process: the request's clocks, waits, approvals and emails are the
        // request's (its page has them); on the task they read as the task's own, still running after it closed.
        var ownProcess = ticket.Kind != TicketKind.Task;
        if (ticket.InstanceId is { } instanceId && ownProcess)
        {
            var instance = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => new { i.State, i.SubStatus }).FirstOrDefaultAsync(cancellationToken);
            if (instance is not null)
            {
                processStatus = instance.SubStatus.ToString();
                var state = WorkflowStateJson.Deserialize(instance.State);
                if (state.Properties.GetValueOrDefault("sla") is JsonObject clocks)
                {
                    foreach (var (name, json) in clocks)
                    {
                        if (json is null) continue;
                        var clock = SlaClock.FromJson(json).SettledBy(state.SubStatus, state.FinishedAt);
                        var calendar = await calendars.FindAsync(clock.Calendar, cancellationToken) ?? BusinessCalendar.AlwaysOpen;
                        sla[name] = clock.Report(calendar, time.GetUtcNow());
                    }
                }
                // One line per waiting activity, named as the process owner named it; the earliest due time if it has several bookmarks.
                var names = await TicketProcessViews.ActivityNamesAsync(definitions, state, cancellationToken);
                waiting.AddRange(state.Bookmarks.GroupBy(b => b.ActivityId).Select(g => new WaitingOnDto(
                    g.Key, names.GetValueOrDefault(g.Key) ?? g.Key, g.First().Name, g.Any(b => b.Name == Engine.Activities.Approvals.RequestApproval.TypeName) ? ApprovalDue(state, g) : g.Min(b => b.DueAt), PendingApprovers(state, g))));
                // Asked of the process, not guessed from the status: a change raised under v1-v3 takes a move only while
                // held; and as the reschedule endpoint refuses it, not once its window has opened.
                movable = ticket.Kind == TicketKind.Change && state.Bookmarks.Any(b => b.StimulusHash == RescheduleStimulus)
                    && !Changes.ChangeEndpoints.WindowOpened(ticket, time.GetUtcNow());
            }
        }
        var (approvals, emails) = ticket.InstanceId is { } id && ownProcess ? await ApprovalsAndEmailsAsync(id, cancellationToken) : ([], []);
        List<TicketDto> taskRows = [.. tasks.Select(TicketDto.From)];
        var shown = TicketDto.From(ticket);
        if (!IsStaff(user))
        {
            // A requester reads that each email went out and what about, not whom else it went to (approvers, a group's
            // members); nor anyone's address in what the process wrote into the history ("Approval requested from …")
            // or into its tasks' titles and instructions.
            var own = await OwnAddressAsync(db, user, cancellationToken);
            emails = [.. emails.Select(e => TicketEmailPrivacy.ForRequester(e, own))];
            history = [.. history.Where(e => e.Kind != WorkNoteKind).Select(e => TicketEmailPrivacy.ForRequester(e, own))];
            (approvals, waiting) = TicketEmailPrivacy.ForRequester(approvals, waiting);
            taskRows = [.. taskRows.Select(t => TicketEmailPrivacy.ForViewer(t, user.Identity!.Name!, own))];
            shown = TicketEmailPrivacy.ForViewer(shown, user.Identity!.Name!, own);
        }
        return new TicketDetailDto(shown, history, taskRows, sla, waiting, processStatus, approvals, emails, movable, actorNames.Shown(ticket.Assignee));
    }

    /// <summary>An approval's deadline (not its next reminder, which its bookmark is due at meanwhile).</summary>
    private static DateTimeOffset? ApprovalDue(WorkflowState state, IEnumerable<Bookmark> bookmarks) =>
        bookmarks.Where(b => b.Name == Engine.Activities.Approvals.RequestApproval.TypeName)
            .Select(b => state.Frames.TryGetValue(b.FrameId, out var frame) ? Engine.Activities.Approvals.RequestApproval.DueOf(frame.State) : null)
            .FirstOrDefault(due => due is not null);

    /// <summary>Who an approval step still waits on (the approval records are written later, by the job that emails the approvers).</summary>
    private static IReadOnlyList<string>? PendingApprovers(WorkflowState state, IEnumerable<Bookmark> bookmarks) =>
        bookmarks.Where(b => b.Name == Engine.Activities.Approvals.RequestApproval.TypeName)
            .Select(b => state.Frames.TryGetValue(b.FrameId, out var frame) ? Engine.Activities.Approvals.RequestApproval.PendingApprovers(frame.State) : null)
            .FirstOrDefault(who => who is not null);

    private async Task<(List<TicketApprovalDto>, List<TicketEmailDto>)> ApprovalsAndEmailsAsync(string instanceId, CancellationToken cancellationToken)
    {
        var approvals = await db.Approvals.AsNoTracking().Where(a => a.InstanceId == instanceId).OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);
        var ids = approvals.Select(a => a.Id).ToList();
        var slots = await db.ApprovalTokens.AsNoTracking().Where(t => ids.Contains(t.ApprovalId))
            .Select(t => new { t.ApprovalId, t.Approver, t.ApproverName, t.Email, t.EmailedAt, t.EmailError }).ToListAsync(cancellationToken);
        var audit = await db.ApprovalAudit.AsNoTracking().Where(a => ids.Contains(a.ApprovalId)).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        // Who decided, by the name people know them by (a delegate is not among the slots: looked up).
        var displayNames = await Identity.DisplayNames.OfAsync(db, audit.SelectMany(d => new[] { d.Actor, d.OnBehalfOf }), cancellationToken);
        var approvalDtos = approvals.Select(a => new TicketApprovalDto(a.Title, a.CreatedAt, a.DueAt,
            [.. slots.Where(s => s.ApprovalId == a.Id).Select(s => s.ApproverName ?? s.Approver).Distinct()],
            [.. audit.Where(d => d.ApprovalId == a.Id).Select(d => new ApprovalDecisionDto(d.Actor, d.OnBehalfOf, d.Decision, d.Comment, d.Channel, d.At, displayNames.GetValueOrDefault(d.Actor),
                d.OnBehalfOf is null ? null : displayNames.GetValueOrDefault(d.OnBehalfOf)))])).ToList();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == instanceId && o.Kind == Engine.Activities.Email.EmailMessage.OutboxKind).OrderBy(o => o.CreatedAt).ToListAsync(cancellationToken);
        var emails = rows.Select(o =>
        {
            var payload = JsonNode.Parse(o.Payload);
            var to = payload?["to"] is JsonArray list ? list.Select(t => t?.ToString() ?? "").ToList() : [];
            return new TicketEmailDto(payload?["subject"]?.ToString() ?? "(no subject)", to, o.CreatedAt, o.LastError is null ? o.ProcessedAt : null, o.LastError, o.ProcessedAt is not null && o.LastError is not null);
        }).ToList();
        // Each approval's request emails (one per approver with an address, sent by the approval mailer, not the outbox's email kind).
        foreach (var approval in approvals)
        {
            var sent = slots.Where(s => s.ApprovalId == approval.Id && s.Email is { Length: > 0 }).ToList();
            if (sent.Count == 0) continue;
            var error = sent.Select(s => s.EmailError).FirstOrDefault(e => e is not null);
            var allSent = sent.All(s => s.EmailedAt is not null);
            emails.Add(new TicketEmailDto($"Approval needed: {approval.Title}", [.. sent.Select(s => s.Email!)], approval.CreatedAt,
                allSent ? sent.Max(s => s.EmailedAt) : null, error, error is not null && !allSent));
        }
        emails.Sort((a, b) => a.QueuedAt.CompareTo(b.QueuedAt));
        return (approvalDtos, emails);
    }
}
