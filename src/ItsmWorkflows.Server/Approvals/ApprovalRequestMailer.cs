using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>
/// Delivers an approval request from the outbox: records the approval and emails each approver (and
/// delegate) their own link. The token is made here, sent only in the email and stored only as its hash.
/// Idempotent per recipient: one already emailed for this content is skipped when the row is delivered
/// again, so a temporary failure of one recipient resends nothing to the others.
/// </summary>
internal sealed partial class ApprovalRequestMailer(ItsmDbContext db, WorkflowServices services, EmailComposer composer,
    IOptions<ApprovalOptions> options, IOptions<MailOptions> mail, ILogger<ApprovalRequestMailer> logger)
{
    /// <summary>Sends what is due; returns the reply of a temporary failure (the row is to be tried again), or null when done.</summary>
    public async Task<string?> SendAsync(IMailTransport transport, JsonObject request, string? instanceId, DateTimeOffset createdAt, int attempts, CancellationToken cancellationToken)
    {
        var approvalId = request["approvalId"]!.GetValue<string>();
        var now = services.Time.GetUtcNow();
        var approval = await db.Approvals.FirstOrDefaultAsync(a => a.Id == approvalId, cancellationToken);
        if (approval is null)
        {
            approval = new ApprovalRecord
            {
                Id = approvalId,
                InstanceId = instanceId ?? "",
                DefinitionId = request["definitionId"]?.GetValue<string>() ?? "",
                DefinitionVersion = request["definitionVersion"]?.GetValue<int>() ?? 0,
                ActivityId = request["activityId"]?.GetValue<string>() ?? "",
                Title = request["title"]!.GetValue<string>(),
                Details = request["details"]?.ToJsonString(),
                Requester = request["requester"]?.GetValue<string>(),
                ContentHash = request["contentHash"]!.GetValue<string>(),
                Rule = request["rule"]?.GetValue<string>() is "AtLeast" or "Percent" ? $"{request["rule"]} {request["threshold"]}" : request["rule"]?.GetValue<string>() ?? "Any",
                CreatedAt = createdAt,
            };
            db.Approvals.Add(approval);
        }
        else if (request["handover"] is null)
        {
            // A revision of what is approved: the row shows the new content (the revise API set the hash already).
            approval.Title = request["title"]!.GetValue<string>();
            approval.Details = request["details"]?.ToJsonString();
            approval.ContentHash = request["contentHash"]!.GetValue<string>();
        }
        // A handover to a new delegate sends the approval as it stands: its message may be delivered after a revision
        // (a retry), and must not put the older content back.
        if (request["handover"] is null)
        {
            approval.DueAt = request["dueAt"]?.GetValue<string>() is { } due ? DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        await db.SaveChangesAsync(cancellationToken);

        var details = ApprovalService.DetailsOf(approval);
        var recipients = await CurrentDelegatesAsync(request["recipients"]!.AsArray().OfType<JsonObject>().ToList(), approval.Requester, cancellationToken);
        // People by the names they know each other by: the requester, whoever a delegate decides for, whoever did not decide in time.
        var names = await Identity.DisplayNames.OfAsync(db,
            recipients.SelectMany(r => new[] { r["onBehalfOf"]?.GetValue<string>(), r["escalatedFrom"]?.GetValue<string>(), r["handedOverFrom"]?.GetValue<string>() }).Append(approval.Requester), cancellationToken);
        // A link lasts its configured lifetime, or until the approval's own deadline when that is later: the email
        // says "decide by" that deadline, and a link that died first left the approver without a way to decide.
        var lifetime = approval.DueAt is { } deadline && deadline - now > options.Value.LinkLifetime ? deadline - now : options.Value.LinkLifetime;
        var baseUrl = options.Value.BaseUrl.TrimEnd('/');
        // A reminder asks again those who have not decided: the same approval, a fresh link, the number it is.
        var reminder = request["reminder"]?.GetValue<int>();
        string? temporaryFailure = null;
        foreach (var recipient in recipients)
        {
            var userName = recipient["userName"]!.GetValue<string>();
            var slot = await db.ApprovalTokens.FirstOrDefaultAsync(t => t.ApprovalId == approvalId && t.Approver == userName, cancellationToken);
            var handedOverFrom = recipient["handedOverFrom"]?.GetValue<string>();
            if (slot is not null && handedOverFrom is not null && recipient["onBehalfOf"] is null && string.Equals(slot.OnBehalfOf, handedOverFrom, StringComparison.OrdinalIgnoreCase))
            {
                // Their delegate until now, they take the switched-off person's slot as their own: the link they hold (one per
                // person and approval) becomes theirs, and goes out afresh saying why.
                slot.OnBehalfOf = null;
                slot.EmailedAt = null;
            }
            // Already emailed for this content (or this reminder): skip (a redelivery after a temporary failure of another recipient).
            if (slot?.EmailedAt is not null && slot.ContentHash == approval.ContentHash && (reminder is not { } n || slot.Reminders >= n)) continue;
            if (reminder is not null)
            {
                // No reminder to someone who decides in the inbox only (it would replace nothing they hold), to a
                // switched-off account, or for a slot decided (by the approver or their delegate) or handed over meanwhile.
                if (slot?.Email is null || await db.Users.AnyAsync(u => u.UserName == userName && u.DisabledAt != null, cancellationToken)) continue;
                if ((await ApprovalService.SlotRecordsAsync(db, approvalId, slot.OnBehalfOf ?? slot.Approver, cancellationToken)).Count > 0) continue;
            }
            // A reminder's fresh link replaces the one sent before only once it is on its way: if it cannot be sent, the
            // earlier email's link must still work.
            var before = reminder is not null && slot is not null ? (slot.TokenHash, slot.ExpiresAt) : ((string, DateTimeOffset)?)null;
            var token = ApprovalTokens.New();
            if (slot is null)
            {
                slot = new ApprovalTokenRecord
                {
                    Id = services.NewId(),
                    ApprovalId = approvalId,
                    Approver = userName,
                    ApproverName = recipient["displayName"]?.GetValue<string>(),
                    Email = recipient["email"]?.GetValue<string>(),
                    OnBehalfOf = recipient["onBehalfOf"]?.GetValue<string>(),
                    TokenHash = ApprovalTokens.Hash(token),
                    ContentHash = approval.ContentHash,
                    CreatedAt = now,
                    ExpiresAt = now + lifetime,
                };
                db.ApprovalTokens.Add(slot);
            }
            else
            {
                // Sending again: a fresh link replaces one that may never have arrived.
                slot.TokenHash = ApprovalTokens.Hash(token);
                slot.ContentHash = approval.ContentHash;
                slot.ExpiresAt = now + lifetime;
            }
            await db.SaveChangesAsync(cancellationToken);
            if (slot.Email is null)
            {
                continue; // No address: the approver decides in the inbox.
            }
            var link = $"{baseUrl}/approvals/{token}";
            var (subject, html, text) = ApprovalEmail.Render(approval.Title, details, names.Shown(approval.Requester), slot.ApproverName ?? userName,
                names.Shown(slot.OnBehalfOf), names.Shown(recipient["escalatedFrom"]?.GetValue<string>()), approval.DueAt, slot.ExpiresAt, link + "?decision=approve", link + "?decision=reject", services.TimeZone, reminder,
                names.Shown(handedOverFrom), recipient["handedOverAs"]?.GetValue<string>());
            var message = composer.Envelope(slot.Id, null, now);
            message.Subject = subject;
            message.Headers.Add("X-Itsm-Approval", approvalId);
            if (approval.InstanceId.Length > 0) message.Headers.Add("X-Itsm-Instance", approval.InstanceId);
            message.Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody();
            try
            {
                // Addressed by name as well ("Carol Manager <carol@…>"), as the notifications are: mail clients show who it is for.
                var to = MailboxAddress.Parse(slot.Email);
                if (!string.IsNullOrWhiteSpace(slot.ApproverName) && !string.Equals(slot.ApproverName, slot.Email, StringComparison.OrdinalIgnoreCase)) to.Name = slot.ApproverName;
                message.To.Add(to);
                await transport.SendAsync(message, cancellationToken);
                slot.EmailedAt = services.Time.GetUtcNow();
                slot.EmailError = null;
                if (reminder is { } number) slot.Reminders = number;
            }
            catch (Exception ex) when (ex is ParseException || ex is MailDeliveryException { Permanent: true } || ex is MailDeliveryException && attempts >= mail.Value.MaxAttempts)
            {
                // This approver cannot be emailed; the approval goes on (the inbox still shows it) and the reason is kept.
                slot.EmailError = ex is MailDeliveryException m ? m.Reply : ex.Message;
                LogCannotEmail(logger, slot.Id, slot.EmailError);
                if (before is { } kept) (slot.TokenHash, slot.ExpiresAt, slot.Reminders) = (kept.Item1, kept.Item2, reminder!.Value);
            }
            catch (MailDeliveryException ex)
            {
                temporaryFailure = ex.Reply;
                if (before is { } kept) (slot.TokenHash, slot.ExpiresAt) = (kept.Item1, kept.Item2); // tried again with a new link
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        db.ChangeTracker.Clear();
        return temporaryFailure;
    }

    /// <summary>
    /// Delegation as it is when the email goes out, not when the workflow asked: a delegate someone has since replaced
    /// is not asked (again), and whoever is someone's delegate now is asked with them (a revision reaches the delegate
    /// named after the approval began). The requester is never asked to approve their own request.
    /// </summary>
    private async Task<List<JsonObject>> CurrentDelegatesAsync(List<JsonObject> asked, string? requester, CancellationToken cancellationToken)
    {
        var userNames = asked.SelectMany(r => new[] { r["userName"]?.GetValue<string>(), r["onBehalfOf"]?.GetValue<string>() }).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var normalized = userNames.Select(u => u.ToUpperInvariant()).ToList();
        var people = await db.Users.AsNoTracking().Where(u => normalized.Contains(u.NormalizedUserName!)).Select(u => new { u.UserName, u.DelegateId }).ToListAsync(cancellationToken);
        var delegateIds = people.Select(p => p.DelegateId).OfType<string>().Distinct().ToList();
        var delegates = await db.Users.AsNoTracking().Where(u => delegateIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancellationToken);
        Person? DelegateOf(string? userName) =>
            people.FirstOrDefault(p => string.Equals(p.UserName, userName, StringComparison.OrdinalIgnoreCase))?.DelegateId is { } id ? delegates.GetValueOrDefault(id) : null;
        var result = new List<JsonObject>();
        foreach (var recipient in asked)
        {
            var userName = recipient["userName"]?.GetValue<string>();
            // Someone who no longer decides for this person (the delegate was replaced or cleared) is left out.
            if (recipient["onBehalfOf"]?.GetValue<string>() is { } forWhom && !string.Equals(DelegateOf(forWhom)?.UserName, userName, StringComparison.OrdinalIgnoreCase)) continue;
            result.Add(recipient);
        }
        foreach (var recipient in result.ToList())
        {
            if (recipient["onBehalfOf"] is not null) continue;
            var userName = recipient["userName"]?.GetValue<string>();
            if (DelegateOf(userName) is not { } current || string.Equals(current.UserName, requester, StringComparison.OrdinalIgnoreCase)) continue;
            if (result.Any(r => string.Equals(r["userName"]?.GetValue<string>(), current.UserName, StringComparison.OrdinalIgnoreCase))) continue;
            result.Add(new JsonObject
            {
                ["userName"] = current.UserName,
                ["displayName"] = current.DisplayName,
                ["email"] = current.Email,
                ["onBehalfOf"] = userName,
                ["escalatedFrom"] = recipient["escalatedFrom"]?.DeepClone(),
            });
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Approval link {SlotId} could not be emailed: {Reply}")]
    private static partial void LogCannotEmail(ILogger logger, string slotId, string reply);
}
