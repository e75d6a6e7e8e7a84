using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>
/// The approvals already waiting on someone whose account is switched off: their link decides nothing, so under rule All
/// the approval could never be approved, and under Any it waited on the others or its due time. Each undecided slot of
/// theirs goes to their manager, else their delegate (switched on, not the requester, not already asked on it), by
/// resuming the approval activity with a handover, so its slots and tally stay the one truth and the new approver is
/// emailed their own link through the outbox as any approver is. An approval nobody can take is left waiting, and said so.
/// </summary>
internal sealed partial class SwitchedOffApprovals(ItsmDbContext db, WorkflowRuntime runtime, WorkflowServices services, ILogger<SwitchedOffApprovals> logger)
{
    /// <summary>The audit trail's word for a slot handed over: the actor is the administrator, on behalf of whom the slot was.</summary>
    public const string HandedOver = "HandedOver";

    /// <summary>
    /// Hands over what still waits on <paramref name="person"/>, whose switch-off is committed; returns how many approvals
    /// went to someone, and how many still wait on them with nobody to take them. Safe to run again: a slot handed over or
    /// decided is not in the list the next time.
    /// </summary>
    public async Task<(int HandedOver, int Stranded)> HandOverAsync(Person person, string actor, CancellationToken cancellationToken)
    {
        var userName = person.UserName!;
        var waiting = await ApprovalService.WaitingOnAsync(db, userName, cancellationToken);
        if (waiting.Count == 0) return (0, 0);
        var offered = await OfferedAsync(person, cancellationToken);
        var approvals = await db.Approvals.AsNoTracking().Where(a => waiting.Contains(a.Id)).OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);
        // One link per person and approval (the mailer's rule): whoever holds one already is asked there already, except a
        // delegate holding it for this very person, whose link becomes their own when the slot does.
        var links = await db.ApprovalTokens.AsNoTracking().Where(t => waiting.Contains(t.ApprovalId)).Select(t => new { t.ApprovalId, t.Approver, t.OnBehalfOf }).ToListAsync(cancellationToken);
        var (handed, stranded) = (0, 0);
        foreach (var approval in approvals)
        {
            var to = offered.Where(o => !string.Equals(o.Person.UserName, approval.Requester, StringComparison.OrdinalIgnoreCase)
                && !links.Any(l => l.ApprovalId == approval.Id && string.Equals(l.Approver, o.Person.UserName, StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(l.OnBehalfOf, userName, StringComparison.OrdinalIgnoreCase))).ToList();
            if (to.Count == 0)
            {
                stranded++;
                LogStranded(logger, approval.Id, approval.InstanceId, userName, "no manager or delegate who is switched on, is not the requester and is not asked on it already");
                continue;
            }
            RunResult? result;
            try
            {
                result = await runtime.DecideApprovalAsync(approval.Id, new JsonObject
                {
                    ["handover"] = new JsonObject
                    {
                        ["from"] = userName,
                        ["to"] = new JsonArray([.. to.Select(o => (JsonNode?)new JsonObject { ["userName"] = o.Person.UserName, ["as"] = o.As })]),
                    },
                }, cancellationToken);
            }
            catch (InstanceFaultedException)
            {
                stranded++;
                LogStranded(logger, approval.Id, approval.InstanceId, userName, "its process is stopped by an incident; switch the account off again once an operator has cleared it");
                continue;
            }
            catch (Exception ex) when (ex is ConcurrencyException || Runtime.EfWorkflowInstanceStore.IsTransient(ex))
            {
                // The switch-off is committed: one approval that could not be handed over now is counted and logged, not a 500.
                stranded++;
                LogStranded(logger, approval.Id, approval.InstanceId, userName, $"its workflow could not be reached ({ex.GetBaseException().Message}); switch the account off again to retry");
                continue;
            }
            // Decided or withdrawn meanwhile: it waits on nobody now.
            if (result is null) continue;
            var where = result.State.Frames.Values.Select(f => RequestApproval.HandoverOf(f.State, approval.Id, userName)).FirstOrDefault(h => h is not null);
            if (where?.HandedOverTo is { } taker)
            {
                await RecordAsync(approval, person, taker, to.FirstOrDefault(o => string.Equals(o.Person.UserName, taker.UserName, StringComparison.OrdinalIgnoreCase)).As, actor, cancellationToken);
                handed++;
            }
            else if (where?.StillWaitsOn == true)
            {
                stranded++;
                LogStranded(logger, approval.Id, approval.InstanceId, userName, "the workflow took nobody offered (each is the requester, already an approver, or no longer in the directory)");
            }
        }
        return (handed, stranded);
    }

    /// <summary>Who may take their slots, in order: their manager, then their delegate, each only while switched on.</summary>
    private async Task<List<(Person Person, string As)>> OfferedAsync(Person person, CancellationToken cancellationToken)
    {
        var ids = new[] { person.ManagerId, person.DelegateId }.OfType<string>().ToList();
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.DisabledAt == null).ToListAsync(cancellationToken);
        var offered = new List<(Person, string)>();
        if (people.FirstOrDefault(p => p.Id == person.ManagerId) is { } manager) offered.Add((manager, "manager"));
        if (people.FirstOrDefault(p => p.Id == person.DelegateId) is { } deputy && deputy.Id != person.ManagerId) offered.Add((deputy, "delegate"));
        return offered;
    }

    /// <summary>
    /// The handover in the approval's audit trail, once (a second run finds the row): by the administrator, for the person
    /// switched off. It also marks their slot as taken, so their links (and their delegate's) decide nothing here any more.
    /// </summary>
    private async Task RecordAsync(ApprovalRecord approval, Person from, ApproverInfo taker, string? role, string actor, CancellationToken cancellationToken)
    {
        var approvalId = approval.Id;
        var userName = from.UserName!;
        if (await db.ApprovalAudit.AnyAsync(a => a.ApprovalId == approvalId && a.Decision == HandedOver && a.OnBehalfOf == userName, cancellationToken)) return;
        db.ApprovalAudit.Add(new ApprovalAuditRecord
        {
            ApprovalId = approval.Id,
            InstanceId = approval.InstanceId,
            Actor = actor,
            OnBehalfOf = userName,
            Decision = HandedOver,
            Comment = $"{from.DisplayName}'s account was switched off, so it went to {taker.DisplayName}{(role is null ? "" : $" as their {role}")}.",
            ContentHash = approval.ContentHash,
            DefinitionId = approval.DefinitionId,
            DefinitionVersion = approval.DefinitionVersion,
            Channel = "api",
            At = services.Time.GetUtcNow(),
        });
        // Saved at once: the next approval's resume shares this context, and its store may clear what is tracked.
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Approval {ApprovalId} (instance {InstanceId}) still waits on {UserName}, whose account is switched off: {Reason}")]
    private static partial void LogStranded(ILogger logger, string approvalId, string instanceId, string userName, string reason);
}
