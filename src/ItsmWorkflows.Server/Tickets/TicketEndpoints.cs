using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Tickets;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

internal sealed record TicketQuery(string? Kind, string? Status, string? Requester, string? Group, string? Assignee, bool? Open, string? Parent, int? Page, int? PageSize, bool? Progress, string? Q = null);

/// <summary>
/// /api/tickets (every kind: list, detail with history, tasks, SLA clocks and waits; notes; assignment) and
/// /api/tasks/{number}/close, which reports a fulfilment task's outcome to the workflow waiting on it.
/// </summary>
internal static class TicketEndpoints
{
    public static void MapTicketEndpoints(this WebApplication app)
    {
        var tickets = app.MapGroup("/api/tickets").WithTags("Tickets").RequireAuthorization(Policies.SignedIn);
        tickets.MapGet("", ListAsync).WithSummary("Tickets, newest first. Requesters see their own; staff see all and filter by kind, status, group, assignee, requester, parent, open, and q (every word found, in any case, in the number, title, description, a request's form answers, or the requester's or assignee's display or user name). progress=true adds each ticket's current step and SLA state; names gives the display names of the people listed.");
        tickets.MapGet("/{number}", (string number, ClaimsPrincipal user, TicketService s, CancellationToken ct) => s.DetailAsync(number, user, ct))
            .WithSummary("A ticket with its history, tasks, SLA clocks and what its process waits on.");
        tickets.MapGet("/{number}/process", async (string number, ClaimsPrincipal user, TicketService s, TicketProcessViews views, ItsmDbContext db, Engine.Execution.WorkflowServices engine, CancellationToken ct) =>
            {
                var ticket = await s.FindAsync(number, null, ct);
                if (!await TicketService.CanReadAsync(db, user, ticket, engine.Time, ct)) throw ProblemException.NotFound($"There is no ticket {ticket.Number}.");
                return await views.ProcessAsync(ticket, ct);
            })
            .WithSummary("The ticket's workflow as a diagram: its activities and connections (no configuration), the path taken and where it waits.");
        tickets.MapPost("/{number}/notes", async (string number, NoteRequest body, ClaimsPrincipal user, TicketService s, ItsmDbContext db,
            Engine.Execution.WorkflowServices services, Mail.OutboxSignal outboxSignal, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Text)) throw ProblemException.BadRequest("A note needs text.");
            if (body.Text.Length > 4000) throw ProblemException.BadRequest("A note is at most 4,000 characters.");
            var ticket = await s.FindAsync(number, null, ct);
            if (!TicketService.CanSee(user, ticket))
            {
                // An approver reads the ticket but writes nothing on it: told so, rather than that it does not exist.
                if (await TicketService.CanReadAsync(db, user, ticket, services.Time, ct))
                {
                    throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", $"You read {ticket.Number} as one of its approvers; notes are for its requester and the people who work it. Say what you think with your decision's comment.");
                }
                throw ProblemException.NotFound($"There is no ticket {number}.");
            }
            var author = user.Identity!.Name!;
            var text = body.Text.Trim();
            if (body.Internal == true)
            {
                // A work note is the staff's own record: the requester never reads it, and it is news for nobody.
                if (!TicketService.IsStaff(user)) throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", "Only agents and process staff write work notes; leave 'internal' out to add a note everyone on the ticket reads.");
                await s.AddEventAsync(number, author, TicketService.WorkNoteKind, text, ct);
                return Results.NoContent();
            }
            await s.AddEventAsync(number, author, "note", text, ct);
            if (await s.RequesterRepliedAsync(ticket, author, ct))
            {
                // Whoever works it hears that the answer came (the page shows it to them live; the email reaches them away from it).
                await RequesterNoteEmails.AnsweredAsync(db, services, outboxSignal, ticket, author, text, ct);
            }
            else if (TicketService.IsCallerOnOpenIncident(ticket, author)
                && !string.Equals(ticket.Assignee, author, StringComparison.OrdinalIgnoreCase)
                && !await TicketService.MemberOfAsync(db, ticket.AssignmentGroup, author, ct))
            {
                // A caller who works it herself (an agent of its group raised it) writes work notes, not news for her group.
                // Resolved: the email says how to reopen it only when its process takes a reopening (not v1's).
                var canReopen = ticket.Status == TicketStatuses.Resolved && await s.AwaitsAsync(ticket, "incident-reopened", ct);
                await RequesterNoteEmails.CommentedAsync(db, services, outboxSignal, ticket, author, text, canReopen, ct);
            }
            else if (TicketService.IsRequesterOnOpenRequest(ticket, author))
            {
                // Whoever fulfils it hears what she wrote, as an incident's people do. She is its customer even when she
                // is an agent herself (a Network agent asking Network for VPN access), so only she is left out; a closed
                // request, like a closed incident, tells nobody: the note stays in its history.
                await RequesterNoteEmails.RequestCommentedAsync(db, services, outboxSignal, ticket, author, text, ct);
            }
            return Results.NoContent();
        }).WithSummary("Adds a note to the ticket's history; with internal: true a work note, which only staff read (agents and process staff only). The requester's note on an incident waiting on them is their reply: it goes back to work and its resolution clock runs again. Her note on an incident otherwise open (resolved included) is emailed to whoever works it; on an open request, to whoever fulfils it (its open tasks' assignees, else their groups' agents; without open tasks, the request's assignee or group), and while an approval of it waits, to its approvers who have not decided. A note on a closed ticket emails nobody.");
        tickets.MapPost("/{number}/assign", AssignAsync).RequireAuthorization(Policies.StartWorkflows)
            .WithSummary("Assigns the ticket to a group and/or one of that group's agents. Send the revision you read: a missing one is refused (400), a stale one too (409).");

        var tasks = app.MapGroup("/api/tasks").WithTags("Tickets").RequireAuthorization(Policies.StartWorkflows);
        tasks.MapPost("/{number}/close", CloseTaskAsync).WithSummary("Closes a fulfilment task as Complete or Incomplete; the workflow waiting on it continues.");
    }

    private static async Task<object> ListAsync([AsParameters] TicketQuery query, ClaimsPrincipal user, ItsmDbContext db, TicketProcessViews views, CancellationToken ct)
    {
        var q = db.Tickets.AsNoTracking().AsQueryable();
        if (!TicketService.IsStaff(user))
        {
            var me = user.Identity!.Name;
            q = q.Where(t => t.Requester == me || t.Assignee == me);
        }
        if (query.Kind is { Length: > 0 } kindText)
        {
            if (!Enum.TryParse<TicketKind>(kindText, true, out var kind)) throw ProblemException.BadRequest($"Kind is Request, Task, Change or Incident, not '{kindText}'.");
            q = q.Where(t => t.Kind == kind);
        }
        else if (query.Requester is { Length: > 0 } && query.Parent is not { Length: > 0 })
        {
            // What someone raised: their requests, changes and incidents. A task carries its request's requester
            // but is the fulfilment team's work, listed under its request (ask kind=Task for them).
            q = q.Where(t => t.Kind != TicketKind.Task);
        }
        if (query.Status is { Length: > 0 } status) q = q.Where(t => t.Status == status);
        if (query.Requester is { Length: > 0 } requester) q = q.Where(t => t.Requester == requester);
        if (query.Group is { Length: > 0 } group) q = q.Where(t => t.AssignmentGroup == group);
        if (query.Assignee is { Length: > 0 } assignee) q = q.Where(t => t.Assignee == assignee);
        if (query.Parent is { Length: > 0 } parent) q = q.Where(t => t.ParentNumber == parent);
        if (query.Q is { } search && !string.IsNullOrWhiteSpace(search)) q = TicketSearch.Matching(q, db.Users.AsNoTracking(), search);
        if (query.Open == true) q = q.Where(t => t.ClosedAt == null);
        if (query.Open == false) q = q.Where(t => t.ClosedAt != null);
        var page = Math.Max(1, query.Page ?? 1);
        var size = Math.Clamp(query.PageSize ?? 50, 1, 200);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(t => t.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        // progress=true: where each ticket's workflow is and how its SLA clocks stand (one read of the page's instances).
        var progress = query.Progress == true ? await views.ProgressAsync(rows, ct) : null;
        var items = rows.Select(TicketDto.From).ToList();
        if (!TicketService.IsStaff(user))
        {
            // A task listed to its request's requester reads as on its page (the process's words, others' addresses hidden).
            var own = await TicketService.OwnAddressAsync(db, user, ct);
            items = [.. items.Select(t => TicketEmailPrivacy.ForViewer(t, user.Identity!.Name!, own))];
        }
        // The people on the page by the names others know them by (the "With" column, the requester).
        var names = await Identity.DisplayNames.OfAsync(db, rows.SelectMany(t => new[] { t.Requester, t.Assignee }), ct);
        return new { total, page, pageSize = size, items, progress, names = names.ToDictionary() };
    }

    private static async Task<TicketDto> AssignAsync(string number, AssignRequest body, ClaimsPrincipal user, ItsmDbContext db, TimeProvider time,
        Engine.Execution.WorkflowServices services, Mail.OutboxSignal outboxSignal, CancellationToken ct)
    {
        // Without it the concurrency check is skipped and a stale form silently overwrites someone else's assignment.
        if (body.Revision is not { } revision) throw ProblemException.BadRequest("Send the revision you read (the 'revision' field), so an assignment made meanwhile is not overwritten.");
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Number == number, ct) ?? throw ProblemException.NotFound($"There is no ticket {number}.");
        if (revision != ticket.Revision)
        {
            throw ProblemException.Conflict($"{number} changed since you read it (revision {ticket.Revision}, you sent {revision}); reload it and try again.");
        }
        if (TicketStatuses.IsFinal(ticket.Status)) throw ProblemException.Conflict($"{number} is {ticket.Status.ToLowerInvariant()}; it cannot be reassigned.");
        if (body.AssignmentGroup is { Length: > 0 } group && !await db.Groups.AnyAsync(g => g.Name == group, ct)) throw ProblemException.BadRequest($"There is no group '{group}'.");
        if (body.Assignee is { Length: > 0 } assignee && !await db.Users.AnyAsync(u => u.UserName == assignee, ct)) throw ProblemException.BadRequest($"There is no person '{assignee}'.");
        await CheckAssigneeWorksForGroupAsync(ticket, body, db, ct);
        var now = time.GetUtcNow();
        var actor = user.Identity!.Name!;
        var groupMoved = false;
        var personChanged = false;
        if (body.AssignmentGroup is { Length: > 0 } g2 && g2 != ticket.AssignmentGroup)
        {
            groupMoved = true;
            db.TicketEvents.Add(new TicketEventRecord { TicketNumber = number, At = now, Actor = actor, Kind = "assigned", Text = $"Assigned to {g2}" + (ticket.AssignmentGroup is { } from ? $" (was {from})" : "") });
            ticket.AssignmentGroup = g2;
        }
        if (body.Assignee is not null && body.Assignee != ticket.Assignee)
        {
            personChanged = body.Assignee.Length > 0;
            db.TicketEvents.Add(new TicketEventRecord { TicketNumber = number, At = now, Actor = actor, Kind = "assigned", Text = body.Assignee.Length == 0 ? "Unassigned" : $"Assigned to {await Identity.DisplayNames.OfAsync(db, body.Assignee, ct)}" });
            ticket.Assignee = body.Assignee.Length == 0 ? null : body.Assignee;
        }
        ticket.UpdatedAt = now;
        ticket.Revision++;
        // The new assignee hears of it (or, moved to a group with nobody named, the group), in the same transaction as
        // the change; taking a ticket oneself tells nobody.
        var email = personChanged || groupMoved && ticket.Assignee is null
            ? await TicketAssignedEmail.ComposeAsync(db, ticket, actor, null, services.NewId(), services.TicketUrl, ct) : null;
        if (email is not null) db.Outbox.Add(OutboxMessage.ForEmail(email, ticket.InstanceId, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ProblemException.Conflict($"{number} was changed by someone else at the same moment; reload it and try again.");
        }
        if (email is not null) outboxSignal.Notify();
        return TicketDto.From(ticket);
    }

    /// <summary>
    /// After the assignment, the assignee is one of the group's agents (staff who are members): someone outside it,
    /// such as a requester, could read the ticket but not work or close it. The same rule for every kind of ticket.
    /// </summary>
    private static async Task CheckAssigneeWorksForGroupAsync(TicketRecord ticket, AssignRequest body, ItsmDbContext db, CancellationToken ct)
    {
        var group = body.AssignmentGroup is { Length: > 0 } named ? named : ticket.AssignmentGroup;
        var assignee = body.Assignee is null ? ticket.Assignee : body.Assignee.Length == 0 ? null : body.Assignee;
        var changes = body.Assignee is { Length: > 0 } || group != ticket.AssignmentGroup;
        if (assignee is null || !changes) return;
        if (group is null) throw ProblemException.BadRequest($"{ticket.Number} has no assignment group; name one ('assignmentGroup') with the assignee, who must be one of its agents.");
        var staff = Roles.StaffIds(db);
        var agents = await db.GroupMembers.AsNoTracking()
            .Join(db.Groups.Where(g => g.Name == group), m => m.GroupId, g => g.Id, (m, g) => m.PersonId)
            .Join(db.Users, id => id, u => u.Id, (id, u) => u)
            .Where(u => staff.Contains(u.Id) && u.DisabledAt == null)
            .Select(u => u.UserName!).OrderBy(n => n).ToListAsync(ct);
        if (agents.Contains(assignee, StringComparer.Ordinal)) return;
        // Someone who left works nothing: their account is switched off, and the ticket would sit with nobody.
        if (await db.Users.AnyAsync(u => u.UserName == assignee && u.DisabledAt != null, ct))
        {
            throw ProblemException.BadRequest($"{assignee}'s account is switched off, so {ticket.Number} cannot be assigned to them; assign one of {group}'s agents ({string.Join(", ", agents)}).");
        }
        var who = agents.Count == 0 ? $"{group} has no agents yet" : $"its agents are {string.Join(", ", agents)}";
        var advice = body.Assignee is { Length: > 0 } ? "assign one of them, or move it to a group the person works in" : "name one of them as the assignee, or send \"assignee\": \"\" to leave it to the group";
        throw ProblemException.BadRequest($"{assignee} does not work for {group}, so cannot be assigned {ticket.Number} ({who}); {advice}.");
    }

    private static async Task<TicketDto> CloseTaskAsync(string number, CloseTaskRequest body, ClaimsPrincipal user, TicketService tickets, WorkflowRuntime runtime, ItsmDbContext db, CancellationToken ct)
    {
        if (body.State is not ("Complete" or "Incomplete")) throw ProblemException.BadRequest("A task closes as 'Complete' or 'Incomplete'.");
        if (body.State == "Incomplete" && string.IsNullOrWhiteSpace(body.Notes)) throw ProblemException.BadRequest("Say why the task could not be completed ('notes').");
        var task = await tickets.FindAsync(number, TicketKind.Task, ct);
        if (TicketStatuses.IsFinal(task.Status)) throw ProblemException.Conflict($"{number} is already {task.Status.ToLowerInvariant()}.");
        var actor = user.Identity!.Name!;
        if (!user.IsInRole(Roles.Admin) && !user.IsInRole(Roles.ProcessOwner) && task.Assignee != actor)
        {
            if (!await TicketService.MemberOfAsync(db, task.AssignmentGroup, actor, ct)) throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", $"{number} belongs to {task.AssignmentGroup}; only its members or its assignee can close it.");
        }
        var results = await runtime.ResumeStimulusAsync(CreateTask.TypeName, CreateTask.Stimulus(task.Id), new JsonObject { ["state"] = body.State, ["by"] = actor, ["notes"] = body.Notes }, ct);
        if (results.Count == 0) throw ProblemException.Conflict($"No process is waiting on {number} any more; it may have been closed or withdrawn a moment ago. Reload it.");
        return TicketDto.From(await tickets.FindAsync(number, TicketKind.Task, ct));
    }
}
