using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>What approvals look like to the people involved: an approver's inbox, one approval with its audit trail.</summary>
internal sealed partial class ApprovalService
{
    /// <summary>
    /// The approvals waiting for this person's decision (their own slots and those they hold for someone else): still
    /// open (the workflow waits on them) and not yet decided for that slot. A handful of set queries whatever the
    /// number of approvals the person was ever asked for.
    /// </summary>
    public async Task<List<InboxItem>> InboxAsync(string userName, CancellationToken cancellationToken)
    {
        var slots = await db.ApprovalTokens.AsNoTracking().Where(t => t.Approver == userName)
            .Select(t => new { t.ApprovalId, t.Approver, t.OnBehalfOf }).ToListAsync(cancellationToken);
        // Slots held for someone else count while this person is still their delegate.
        var me = userName.ToUpperInvariant();
        var actingFor = slots.Any(s => s.OnBehalfOf is not null)
            ? (await db.Users.AsNoTracking().Where(u => u.DelegateId != null && db.Users.Any(d => d.Id == u.DelegateId && d.NormalizedUserName == me))
                .Select(u => u.UserName!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];
        slots = [.. slots.Where(s => s.OnBehalfOf is null || actingFor.Contains(s.OnBehalfOf))];
        if (slots.Count == 0) return [];
        var open = await OpenAmongAsync(db, slots.Select(s => s.ApprovalId), cancellationToken);
        if (open.Count == 0) return [];
        var decisions = await db.ApprovalAudit.AsNoTracking().Where(a => open.Contains(a.ApprovalId) && a.Decision != "Revised")
            .Select(a => new { a.ApprovalId, Holder = a.OnBehalfOf ?? a.Actor }).ToListAsync(cancellationToken);
        var decided = decisions.Select(d => (d.ApprovalId, d.Holder)).ToHashSet();
        var approvals = await db.Approvals.AsNoTracking().Where(a => open.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var items = new List<InboxItem>();
        foreach (var slot in slots)
        {
            if (!approvals.TryGetValue(slot.ApprovalId, out var approval) || decided.Contains((slot.ApprovalId, slot.OnBehalfOf ?? slot.Approver))) continue;
            items.Add(new InboxItem(approval.Id, approval.Title, approval.Requester, slot.OnBehalfOf, approval.CreatedAt, approval.DueAt, DetailsOf(approval), approval.InstanceId));
        }
        var names = await Identity.DisplayNames.OfAsync(db, items.SelectMany(i => new[] { i.Requester, i.OnBehalfOf }), cancellationToken);
        items = [.. items.Select(i => i with { RequesterName = names.Shown(i.Requester), OnBehalfOfName = names.Shown(i.OnBehalfOf) })];
        return [.. items.OrderBy(i => i.DueAt ?? DateTimeOffset.MaxValue).ThenBy(i => i.CreatedAt)];
    }

    /// <summary>Of these approvals, the ones still open: a workflow waits on them (one set query, whatever their number).</summary>
    public static async Task<List<string>> OpenAmongAsync(ItsmDbContext db, IEnumerable<string> approvalIds, CancellationToken cancellationToken)
    {
        var byHash = approvalIds.Distinct(StringComparer.Ordinal)
            .ToDictionary(id => StimulusHash.Compute(RequestApproval.TypeName, RequestApproval.Stimulus(id)), StringComparer.Ordinal);
        if (byHash.Count == 0) return [];
        var hashes = byHash.Keys.ToList();
        var openHashes = await db.Bookmarks.AsNoTracking().Where(b => hashes.Contains(b.StimulusHash)).Select(b => b.StimulusHash).Distinct().ToListAsync(cancellationToken);
        return [.. openHashes.Select(h => byHash[h])];
    }

    /// <summary>
    /// Whom the open approvals of <paramref name="instanceId"/> still wait on, as their inboxes list them: the approver of
    /// each slot nothing is recorded for yet (no decision by them or for them, no handover), and a delegate holding such a
    /// slot for someone while still their delegate. User names (an approver outside the directory by address).
    /// </summary>
    public static async Task<List<string>> UndecidedApproversAsync(ItsmDbContext db, string instanceId, CancellationToken cancellationToken)
    {
        var ids = await db.Approvals.AsNoTracking().Where(a => a.InstanceId == instanceId).Select(a => a.Id).ToListAsync(cancellationToken);
        var open = await OpenAmongAsync(db, ids, cancellationToken);
        if (open.Count == 0) return [];
        var slots = await db.ApprovalTokens.AsNoTracking().Where(t => open.Contains(t.ApprovalId)).Select(t => new { t.ApprovalId, t.Approver, t.OnBehalfOf }).ToListAsync(cancellationToken);
        var decisions = await db.ApprovalAudit.AsNoTracking().Where(a => open.Contains(a.ApprovalId) && a.Decision != "Revised")
            .Select(a => new { a.ApprovalId, Holder = a.OnBehalfOf ?? a.Actor }).ToListAsync(cancellationToken);
        var decided = decisions.Select(d => (d.ApprovalId, d.Holder)).ToHashSet();
        var forWhom = slots.Select(s => s.OnBehalfOf).OfType<string>().Distinct().ToList();
        var delegation = forWhom.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => forWhom.Contains(u.UserName!) && u.DelegateId != null)
            .Join(db.Users, u => u.DelegateId, d => d.Id, (u, d) => new { For = u.UserName!, Delegate = d.UserName! }).ToListAsync(cancellationToken);
        bool StillDelegate(string approver, string forWho) => delegation.Any(d =>
            string.Equals(d.For, forWho, StringComparison.OrdinalIgnoreCase) && string.Equals(d.Delegate, approver, StringComparison.OrdinalIgnoreCase));
        return [.. slots.Where(s => !decided.Contains((s.ApprovalId, s.OnBehalfOf ?? s.Approver)) && (s.OnBehalfOf is null || StillDelegate(s.Approver, s.OnBehalfOf)))
            .Select(s => s.Approver).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>
    /// The open approvals waiting on this person's own decision: asked in their own right (not as someone's delegate),
    /// and nothing recorded for their slot yet (a decision by them or for them, or a handover).
    /// </summary>
    public static async Task<List<string>> WaitingOnAsync(ItsmDbContext db, string userName, CancellationToken cancellationToken)
    {
        var own = await db.ApprovalTokens.AsNoTracking().Where(t => t.Approver == userName && t.OnBehalfOf == null).Select(t => t.ApprovalId).ToListAsync(cancellationToken);
        var open = await OpenAmongAsync(db, own, cancellationToken);
        if (open.Count == 0) return open;
        var decided = await db.ApprovalAudit.AsNoTracking().Where(a => open.Contains(a.ApprovalId) && a.Decision != "Revised" && (a.OnBehalfOf == userName || a.OnBehalfOf == null && a.Actor == userName))
            .Select(a => a.ApprovalId).ToListAsync(cancellationToken);
        return [.. open.Except(decided, StringComparer.Ordinal)];
    }

    /// <summary>The approval with its audit trail, for its approvers and for operators.</summary>
    public async Task<ApprovalDetailDto?> GetAsync(string approvalId, string userName, bool isOperator, CancellationToken cancellationToken)
    {
        var approval = await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == approvalId, cancellationToken);
        if (approval is null) return null;
        var approvers = await db.ApprovalTokens.AsNoTracking().Where(t => t.ApprovalId == approvalId).Select(t => t.Approver).ToListAsync(cancellationToken);
        if (!isOperator && !approvers.Contains(userName, StringComparer.OrdinalIgnoreCase) && !string.Equals(userName, approval.Requester, StringComparison.OrdinalIgnoreCase)) return null;
        var audit = await db.ApprovalAudit.AsNoTracking().Where(a => a.ApprovalId == approvalId).OrderBy(a => a.Id)
            .Select(a => new AuditDto(a.Actor, a.OnBehalfOf, a.Decision, a.Comment, a.ContentHash, a.DefinitionId, a.DefinitionVersion, a.Channel, a.IpAddress, a.UserAgent, a.At))
            .ToListAsync(cancellationToken);
        // Where a decision came from (address, browser) is for the operators who audit it, not for the requester or other approvers.
        if (!isOperator) audit = [.. audit.Select(a => a with { IpAddress = null, UserAgent = null })];
        // Nor are the addresses of approvers outside the directory for the requester, who may not be staff, nor any in
        // what the process wrote (the title and details), as on their ticket's page.
        var title = approval.Title;
        var details = DetailsOf(approval);
        if (!isOperator && !approvers.Contains(userName, StringComparer.OrdinalIgnoreCase))
        {
            approvers = [.. approvers.Select(a => Tickets.TicketEmailPrivacy.Person(a)!).Distinct()];
            audit = [.. audit.Select(a => a with { Actor = Tickets.TicketEmailPrivacy.Person(a.Actor)!, OnBehalfOf = Tickets.TicketEmailPrivacy.Person(a.OnBehalfOf) })];
            title = Tickets.TicketEmailPrivacy.ProcessText(title);
            details = [.. details.Select(d => KeyValuePair.Create(d.Key, Tickets.TicketEmailPrivacy.ProcessText(d.Value)))];
        }
        return new ApprovalDetailDto(approval.Id, title, details, approval.Requester, approval.Rule, approval.ContentHash,
            await IsOpenAsync(approvalId, cancellationToken), approvers, audit, approval.InstanceId);
    }
}
