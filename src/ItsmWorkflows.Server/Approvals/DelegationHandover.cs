using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>
/// A delegate acts for someone while they are named, for the approvals already waiting too, not only for those asked
/// afterwards (an approver who names a delegate before leaving expects the delegate to see what is in their inbox).
/// Naming a delegate asks them, with their own link, for every open approval the person has not decided yet;
/// replacing or clearing one ends the former delegate's right to decide (checked when they try).
/// </summary>
internal sealed class DelegationHandover(ItsmDbContext db, WorkflowServices services, Mail.OutboxSignal outboxSignal, Microsoft.Extensions.Options.IOptions<ApprovalOptions> options)
{
    /// <summary>Call after the person's new delegate is saved; <paramref name="previousDelegateId"/> is who it was before.</summary>
    public async Task ApplyAsync(Person person, string? previousDelegateId, CancellationToken cancellationToken)
    {
        if (string.Equals(previousDelegateId, person.DelegateId, StringComparison.Ordinal)) return;
        // A former delegate needs nothing undone: slots held for someone decide only while their holder is that person's
        // delegate (ApprovalService checks it), and their rows stay as the record of whom the approval was sent to.
        var userName = person.UserName!;
        if (person.DelegateId is not null && await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == person.DelegateId, cancellationToken) is { } chosen)
        {
            await HandOverAsync(userName, chosen, cancellationToken);
        }
    }

    /// <summary>Every approval still waiting on this person's own decision is sent to the delegate, through the outbox like any approval email.</summary>
    private async Task HandOverAsync(string userName, Person chosen, CancellationToken cancellationToken)
    {
        var open = await ApprovalService.WaitingOnAsync(db, userName, cancellationToken);
        if (open.Count == 0) return;
        var delegateName = chosen.UserName!;
        // One link per person and approval: someone already asked (in their own right or for another) is not asked twice.
        var alreadyAsked = await db.ApprovalTokens.AsNoTracking().Where(t => open.Contains(t.ApprovalId) && t.Approver == delegateName).Select(t => t.ApprovalId).ToListAsync(cancellationToken);
        var approvals = await db.Approvals.AsNoTracking().Where(a => open.Contains(a.Id)).ToListAsync(cancellationToken);
        var now = services.Time.GetUtcNow();
        var added = 0;
        foreach (var approval in approvals)
        {
            if (alreadyAsked.Contains(approval.Id)) continue;
            // The requester never approves their own request, not as anyone's delegate either.
            if (string.Equals(approval.Requester, delegateName, StringComparison.OrdinalIgnoreCase)) continue;
            var request = new JsonObject
            {
                ["approvalId"] = approval.Id,
                // Sent as the approval stands when it goes out: the mailer keeps the row's content (see there).
                ["handover"] = true,
                ["title"] = approval.Title,
                ["details"] = approval.Details is null ? null : JsonNode.Parse(approval.Details),
                ["requester"] = approval.Requester,
                ["contentHash"] = approval.ContentHash,
                ["dueAt"] = approval.DueAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["recipients"] = new JsonArray(new JsonObject
                {
                    ["userName"] = delegateName,
                    ["displayName"] = chosen.DisplayName,
                    ["email"] = chosen.Email,
                    ["onBehalfOf"] = userName,
                }),
            };
            // The slot at once, so the delegate's inbox has it as soon as they are named; its link is made when the email
            // goes out (this token is never shown to anyone).
            db.ApprovalTokens.Add(new ApprovalTokenRecord
            {
                Id = services.NewId(),
                ApprovalId = approval.Id,
                Approver = delegateName,
                ApproverName = chosen.DisplayName,
                Email = chosen.Email,
                OnBehalfOf = userName,
                TokenHash = ApprovalTokens.Hash(ApprovalTokens.New()),
                ContentHash = approval.ContentHash,
                CreatedAt = now,
                ExpiresAt = now + options.Value.LinkLifetime,
            });
            db.Outbox.Add(new OutboxMessage
            {
                Id = services.NewId(),
                Kind = RequestApproval.OutboxKind,
                Payload = request.ToJsonString(),
                InstanceId = approval.InstanceId.Length > 0 ? approval.InstanceId : null,
                CreatedAt = now,
                AvailableAt = now,
            });
            added++;
        }
        if (added == 0) return;
        await db.SaveChangesAsync(cancellationToken);
        outboxSignal.Notify();
    }
}
