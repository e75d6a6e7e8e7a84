using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>Why a decision was not taken; each has a message a person can act on and that says nothing about other approvals.</summary>
internal enum DecisionRefusal
{
    None,
    UnknownLink,
    Expired,
    AlreadyUsed,
    Closed,
    NotAnApprover,
    WrongApprover,
    SelfApproval,
    AlreadyDecided,
    ContentChanged,
    InvalidDecision,
    ProcessStopped,
    DelegationEnded,
    ApproverDisabled,
    HandedOver,
}

internal sealed record DecisionResult(DecisionRefusal Refusal, string Message, string? Outcome = null)
{
    public bool Accepted => Refusal == DecisionRefusal.None;
}

/// <summary>What an approver sees before confirming; <c>RequesterName</c> and <c>OnBehalfOfName</c> are display names.</summary>
internal sealed record ApprovalView(ApprovalRecord Approval, ApprovalTokenRecord Slot, IReadOnlyList<KeyValuePair<string, string>> Details, string? RequesterName = null, string? OnBehalfOfName = null);

/// <summary>What waits on an approver; <c>Requester</c> and <c>OnBehalfOf</c> are user names, the <c>…Name</c> fields display names.</summary>
internal sealed record InboxItem(string ApprovalId, string Title, string? Requester, string? OnBehalfOf, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, IReadOnlyList<KeyValuePair<string, string>> Details, string InstanceId,
    string? RequesterName = null, string? OnBehalfOfName = null);

internal sealed record AuditDto(string Actor, string? OnBehalfOf, string Decision, string? Comment, string ContentHash, string DefinitionId, int DefinitionVersion, string Channel, string? IpAddress, string? UserAgent, DateTimeOffset At);

internal sealed record ApprovalDetailDto(string Id, string Title, IReadOnlyList<KeyValuePair<string, string>> Details, string? Requester, string Rule, string ContentHash, bool Open, IReadOnlyList<string> Approvers, IReadOnlyList<AuditDto> Audit, string InstanceId);

/// <summary>
/// Decisions on approvals, from an email link, the inbox or the API. Every path re-checks, at the moment
/// of deciding, that the approval is still open, the person holds an undecided slot on it, is not the
/// requester, and (by link) that the link is theirs, unused, unexpired and made for the content still
/// being approved. Each decision is written to the append-only audit trail.
/// </summary>
internal sealed partial class ApprovalService(ItsmDbContext db, WorkflowRuntime runtime, WorkflowServices services)
{
    public async Task<(ApprovalView? View, DecisionResult Check)> ViewByTokenAsync(string token, string? signedInAs, CancellationToken cancellationToken)
    {
        var slot = await FindTokenAsync(token, cancellationToken);
        if (slot is null) return (null, Refused(DecisionRefusal.UnknownLink));
        var approval = await db.Approvals.AsNoTracking().FirstAsync(a => a.Id == slot.ApprovalId, cancellationToken);
        var check = await CheckLinkAsync(approval, slot, signedInAs, cancellationToken);
        if (!check.Accepted) return (null, check);
        var names = await Identity.DisplayNames.OfAsync(db, [approval.Requester, slot.OnBehalfOf], cancellationToken);
        return (new ApprovalView(approval, slot, DetailsOf(approval), names.Shown(approval.Requester), names.Shown(slot.OnBehalfOf)), check);
    }

    public async Task<DecisionResult> DecideByTokenAsync(string token, string decision, string? comment, string? signedInAs, string? ip, string? userAgent, CancellationToken cancellationToken)
    {
        var slot = await FindTokenAsync(token, cancellationToken);
        if (slot is null) return Refused(DecisionRefusal.UnknownLink);
        var approval = await db.Approvals.AsNoTracking().FirstAsync(a => a.Id == slot.ApprovalId, cancellationToken);
        var check = await CheckLinkAsync(approval, slot, signedInAs, cancellationToken);
        if (!check.Accepted) return check;
        if (RequestApproval.ParseDecision(decision) is null) return Refused(DecisionRefusal.InvalidDecision);
        // The link works once: whoever marks it used first decides, a second click (or a replay) does not.
        var now = services.Time.GetUtcNow();
        var id = slot.Id;
        var marked = await db.ApprovalTokens.Where(t => t.Id == id && t.UsedAt == null).ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (marked == 0) return Refused(DecisionRefusal.AlreadyUsed);
        var result = await ApplyAsync(approval, slot, decision, comment, "email", ip, userAgent, cancellationToken);
        if (result.Refusal == DecisionRefusal.ProcessStopped)
        {
            // Nothing was decided: the link is given back for when the process runs again.
            await db.ApprovalTokens.Where(t => t.Id == id && t.UsedAt != null).ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, (DateTimeOffset?)null), CancellationToken.None);
        }
        return result;
    }

    public async Task<DecisionResult> DecideAsync(string approvalId, string actor, string decision, string? comment, string channel, string? ip, string? userAgent, CancellationToken cancellationToken)
    {
        var approval = await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == approvalId, cancellationToken);
        if (approval is null) return Refused(DecisionRefusal.UnknownLink);
        if (string.Equals(actor, approval.Requester, StringComparison.OrdinalIgnoreCase)) return Refused(DecisionRefusal.SelfApproval);
        var slot = await db.ApprovalTokens.AsNoTracking().FirstOrDefaultAsync(t => t.ApprovalId == approvalId && t.Approver == actor, cancellationToken);
        if (slot is null) return Refused(DecisionRefusal.NotAnApprover);
        if (!await StillDelegateAsync(slot, cancellationToken)) return Refused(DecisionRefusal.DelegationEnded);
        if (!await IsOpenAsync(approval.Id, cancellationToken)) return Refused(DecisionRefusal.Closed);
        if (await TakenAsync(approval.Id, slot, cancellationToken) is not DecisionRefusal.None and var taken) return Refused(taken);
        if (RequestApproval.ParseDecision(decision) is null) return Refused(DecisionRefusal.InvalidDecision);
        return await ApplyAsync(approval, slot, decision, comment, channel, ip, userAgent, cancellationToken);
    }

    /// <summary>
    /// What is approved changed (a request edited): the new content is recorded at once, so links made for
    /// the old content stop deciding, and everyone who has not decided yet gets a new email and link.
    /// </summary>
    public async Task<DecisionResult> ReviseAsync(string approvalId, string? title, JsonNode? details, bool detailsGiven, string actor, CancellationToken cancellationToken)
    {
        var approval = await db.Approvals.FirstOrDefaultAsync(a => a.Id == approvalId, cancellationToken);
        if (approval is null) return Refused(DecisionRefusal.UnknownLink);
        if (!await IsOpenAsync(approvalId, cancellationToken)) return Refused(DecisionRefusal.Closed);
        var newTitle = string.IsNullOrWhiteSpace(title) ? approval.Title : title.Trim();
        var newDetails = detailsGiven ? details?.DeepClone() : approval.Details is null ? null : JsonNode.Parse(approval.Details);
        approval.Title = newTitle;
        approval.Details = newDetails?.ToJsonString();
        approval.ContentHash = RequestApproval.ContentHash(newTitle, newDetails);
        db.ApprovalAudit.Add(new ApprovalAuditRecord
        {
            ApprovalId = approval.Id,
            InstanceId = approval.InstanceId,
            Actor = actor,
            Decision = "Revised",
            ContentHash = approval.ContentHash,
            DefinitionId = approval.DefinitionId,
            DefinitionVersion = approval.DefinitionVersion,
            Channel = "api",
            At = services.Time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        var result = await runtime.DecideApprovalAsync(approvalId, new JsonObject { ["revise"] = new JsonObject { ["title"] = newTitle, ["details"] = newDetails?.DeepClone() } }, cancellationToken);
        return result is null ? Refused(DecisionRefusal.Closed) : new DecisionResult(DecisionRefusal.None, $"\"{newTitle}\" was revised; approvers who have not decided are asked again.");
    }

    private async Task<DecisionResult> ApplyAsync(ApprovalRecord approval, ApprovalTokenRecord slot, string decision, string? comment, string channel, string? ip, string? userAgent, CancellationToken cancellationToken)
    {
        var approve = RequestApproval.ParseDecision(decision)!.Value;
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()[..Math.Min(comment.Trim().Length, 2000)];
        // The activity knows the names of the approvers and delegates it asked; a delegate named later is named here.
        var approverName = slot.OnBehalfOf is null ? null : await Identity.DisplayNames.OfAsync(db, slot.Approver, cancellationToken);
        RunResult? result;
        try
        {
            result = await runtime.DecideApprovalAsync(approval.Id, new JsonObject
            {
                ["approver"] = slot.Approver,
                ["approverName"] = approverName,
                ["onBehalfOf"] = slot.OnBehalfOf,
                ["decision"] = approve ? "approve" : "reject",
                ["comment"] = comment,
                ["channel"] = channel,
            }, cancellationToken);
        }
        catch (InstanceFaultedException)
        {
            return Refused(DecisionRefusal.ProcessStopped);
        }
        if (result is null) return Refused(DecisionRefusal.Closed);
        if (!Recorded(result.State, approval, slot.Approver, out var outcome)) return Refused(DecisionRefusal.AlreadyDecided);
        db.ApprovalAudit.Add(new ApprovalAuditRecord
        {
            ApprovalId = approval.Id,
            InstanceId = approval.InstanceId,
            Actor = slot.Approver,
            OnBehalfOf = slot.OnBehalfOf,
            Decision = approve ? "Approved" : "Rejected",
            Comment = comment,
            ContentHash = approval.ContentHash,
            DefinitionId = approval.DefinitionId,
            DefinitionVersion = approval.DefinitionVersion,
            Channel = channel,
            IpAddress = ip,
            UserAgent = userAgent is null ? null : userAgent[..Math.Min(userAgent.Length, 512)],
            At = services.Time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        var verb = approve ? "approved" : "rejected";
        return new DecisionResult(DecisionRefusal.None, outcome is null
            ? $"You {verb} \"{approval.Title}\". The approval waits for the other approvers."
            : $"You {verb} \"{approval.Title}\". The approval is now {outcome.ToLowerInvariant()} and the workflow has moved on.", outcome);
    }

    /// <summary>The activity took this person's decision (it ignores one for a slot decided meanwhile); outcome when that settled the approval.</summary>
    private static bool Recorded(WorkflowState state, ApprovalRecord approval, string actor, out string? outcome)
    {
        outcome = null;
        // Its activity's outputs, found by the approval's id: an instance moved to another version may have renamed the activity.
        var outputs = state.ActivityOutputs.GetValueOrDefault(approval.ActivityId);
        if (outputs?.GetValueOrDefault("decision") is not JsonObject mine || mine["approvalId"]?.GetValue<string>() != approval.Id)
        {
            outputs = state.ActivityOutputs.Values.FirstOrDefault(o => o.GetValueOrDefault("decision") is JsonObject d && d["approvalId"]?.GetValue<string>() == approval.Id);
        }
        if (outputs?.GetValueOrDefault("decision") is JsonObject done && done["approvalId"]?.GetValue<string>() == approval.Id)
        {
            outcome = done["outcome"]?.GetValue<string>();
            return done["decisions"]?.AsArray().Any(d => string.Equals(d?["decidedBy"]?.GetValue<string>(), actor, StringComparison.OrdinalIgnoreCase)) == true;
        }
        foreach (var frame in state.Frames.Values)
        {
            if (frame.State is not JsonFrameState { Data: var data } || data["approvalId"]?.GetValue<string>() != approval.Id) continue;
            return data["slots"]?.AsArray().Any(s => string.Equals(s?["decidedBy"]?.GetValue<string>(), actor, StringComparison.OrdinalIgnoreCase)) == true;
        }
        return false;
    }

    /// <summary>
    /// A delegate acts for someone only while named: a link or inbox slot held on someone's behalf decides only if its
    /// holder is that person's delegate now (their own slots always).
    /// </summary>
    private async Task<bool> StillDelegateAsync(ApprovalTokenRecord slot, CancellationToken cancellationToken)
    {
        if (slot.OnBehalfOf is null) return true;
        var forWhom = slot.OnBehalfOf.ToUpperInvariant();
        var holder = slot.Approver.ToUpperInvariant();
        return await db.Users.AsNoTracking().AnyAsync(u => u.NormalizedUserName == forWhom && u.DelegateId != null
            && db.Users.Any(d => d.Id == u.DelegateId && d.NormalizedUserName == holder), cancellationToken);
    }

    private async Task<DecisionResult> CheckLinkAsync(ApprovalRecord approval, ApprovalTokenRecord slot, string? signedInAs, CancellationToken cancellationToken)
    {
        if (slot.UsedAt is not null) return await AlreadyUsedAsync(approval, slot, cancellationToken);
        if (slot.ExpiresAt <= services.Time.GetUtcNow()) return Refused(DecisionRefusal.Expired);
        if (signedInAs is not null && !string.Equals(signedInAs, slot.Approver, StringComparison.OrdinalIgnoreCase)) return Refused(DecisionRefusal.WrongApprover);
        if (!await StillDelegateAsync(slot, cancellationToken)) return Refused(DecisionRefusal.DelegationEnded);
        // A link in the mailbox of someone whose account was switched off (they left, or it was compromised) decides nothing.
        var approver = slot.Approver;
        if (await db.Users.AnyAsync(u => u.UserName == approver && u.DisabledAt != null, cancellationToken)) return Refused(DecisionRefusal.ApproverDisabled);
        if (string.Equals(slot.Approver, approval.Requester, StringComparison.OrdinalIgnoreCase)) return Refused(DecisionRefusal.SelfApproval);
        if (!await IsOpenAsync(approval.Id, cancellationToken)) return Refused(DecisionRefusal.Closed);
        if (!string.Equals(slot.ContentHash, approval.ContentHash, StringComparison.Ordinal)) return Refused(DecisionRefusal.ContentChanged);
        if (await TakenAsync(approval.Id, slot, cancellationToken) is not DecisionRefusal.None and var taken) return Refused(taken);
        return new DecisionResult(DecisionRefusal.None, "");
    }

    /// <summary>A used link says what it decided, for whom and when: the holder of the link is the one who got the email.</summary>
    private async Task<DecisionResult> AlreadyUsedAsync(ApprovalRecord approval, ApprovalTokenRecord slot, CancellationToken cancellationToken)
    {
        var refused = Refused(DecisionRefusal.AlreadyUsed);
        var approvalId = approval.Id;
        var approver = slot.Approver;
        var last = await db.ApprovalAudit.AsNoTracking().Where(a => a.ApprovalId == approvalId && a.Actor == approver)
            .OrderByDescending(a => a.Id).Select(a => new { a.Decision, a.At, a.Channel }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? refused : refused with { Message = $"{refused.Message} It recorded: {last.Decision} by {approver}, {Engine.Expressions.DisplayTime.Format(last.At, services.TimeZone)} ({last.Channel})." };
    }

    private async Task<ApprovalTokenRecord?> FindTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (!ApprovalTokens.LooksValid(token)) return null;
        var hash = ApprovalTokens.Hash(token);
        return await db.ApprovalTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
    }

    /// <summary>Open while its Request Approval still waits: the bookmark index is the truth.</summary>
    private Task<bool> IsOpenAsync(string approvalId, CancellationToken cancellationToken)
    {
        var hash = StimulusHash.Compute(RequestApproval.TypeName, RequestApproval.Stimulus(approvalId));
        return db.Bookmarks.AnyAsync(b => b.StimulusHash == hash, cancellationToken);
    }

    /// <summary>
    /// Whether the slot (the approver's own, which a delegate decides on their behalf) is taken: decided already, or
    /// handed over to someone else when its approver was switched off (the workflow no longer has it).
    /// </summary>
    private async Task<DecisionRefusal> TakenAsync(string approvalId, ApprovalTokenRecord slot, CancellationToken cancellationToken)
    {
        var recorded = await SlotRecordsAsync(db, approvalId, slot.OnBehalfOf ?? slot.Approver, cancellationToken);
        return recorded.Count == 0 ? DecisionRefusal.None : recorded.Contains(SwitchedOffApprovals.HandedOver) ? DecisionRefusal.HandedOver : DecisionRefusal.AlreadyDecided;
    }

    /// <summary>What the audit holds for the slot of <paramref name="holder"/> (decided by them or their delegate, or handed over); empty while it is open.</summary>
    internal static Task<List<string>> SlotRecordsAsync(ItsmDbContext db, string approvalId, string holder, CancellationToken cancellationToken) =>
        db.ApprovalAudit.Where(a => a.ApprovalId == approvalId && a.Decision != "Revised" && (a.OnBehalfOf == holder || a.OnBehalfOf == null && a.Actor == holder))
            .Select(a => a.Decision).ToListAsync(cancellationToken);

    public static IReadOnlyList<KeyValuePair<string, string>> DetailsOf(ApprovalRecord approval)
    {
        if (approval.Details is null || JsonNode.Parse(approval.Details) is not JsonObject details) return [];
        return [.. details.Select(p => new KeyValuePair<string, string>(p.Key, p.Value switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => other.ToJsonString(),
        }))];
    }

    public static DecisionResult Refused(DecisionRefusal why) => new(why, why switch
    {
        DecisionRefusal.UnknownLink => "This link is not valid. Open the approval from your most recent email or from your approvals inbox.",
        DecisionRefusal.Expired => "This link has expired. Open the approval from your approvals inbox instead.",
        DecisionRefusal.AlreadyUsed => "This link was already used; a link decides once.",
        DecisionRefusal.Closed => "This approval is no longer open: it was decided, timed out or withdrawn.",
        DecisionRefusal.NotAnApprover => "You are not an approver of this approval.",
        DecisionRefusal.WrongApprover => "This link was sent to another approver. Open your own email or your approvals inbox.",
        DecisionRefusal.SelfApproval => "You requested this, so you cannot approve it yourself.",
        DecisionRefusal.AlreadyDecided => "A decision was already recorded for you on this approval.",
        DecisionRefusal.ContentChanged => "What is being approved has changed since this email was sent; use the newer email.",
        DecisionRefusal.InvalidDecision => "Choose Approve or Reject.",
        DecisionRefusal.ApproverDisabled => "This link's approver has been switched off in the directory, so it decides nothing; the service desk can say who decides instead.",
        DecisionRefusal.DelegationEnded => "You no longer decide for this approver: they decide themselves again, or named someone else as their delegate.",
        DecisionRefusal.HandedOver => "This approval no longer waits on this approver: their account was switched off and it was handed over to someone else, who decides it now.",
        DecisionRefusal.ProcessStopped => "The process this approval belongs to is stopped by an incident, which an operator has to clear first. Nothing was recorded; your link still works, so try again later.",
        _ => "",
    });
}
