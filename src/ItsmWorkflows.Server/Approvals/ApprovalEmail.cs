using System.Net;
using System.Text;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>
/// The email that asks for a decision, in the layout of every email of ours: the facts to decide on
/// and two clear buttons. The links open a confirmation page; they decide nothing by themselves.
/// </summary>
internal static class ApprovalEmail
{
    public static (string Subject, string Html, string Text) Render(string title, IReadOnlyList<KeyValuePair<string, string>> details, string? requester, string recipientName,
        string? onBehalfOf, string? escalatedFrom, DateTimeOffset? dueAt, DateTimeOffset expiresAt, string approveUrl, string rejectUrl, TimeZoneInfo zone, int? reminder = null,
        string? handedOverFrom = null, string? handedOverAs = null)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var why = onBehalfOf is not null ? $"You decide on behalf of {onBehalfOf}, who named you as their delegate."
            : escalatedFrom is not null ? $"{escalatedFrom} has not decided in time, so it comes to you as their manager."
            : handedOverFrom is not null ? $"{handedOverFrom}'s account was switched off, so it comes to you{(handedOverAs is { Length: > 0 } role ? $" as their {role}" : "")}."
            : "You are an approver.";
        // A reminder's link replaces the earlier email's, which says so if it is used.
        var again = reminder is null ? "" : " It is still waiting for you; the buttons of the earlier email no longer work, these do.";
        var facts = details.ToList();
        if (requester is not null) facts.Add(new("Requested by", requester));
        if (dueAt is { } due) facts.Add(new("Decide by", DisplayTime.Format(due, zone)));
        var html = NotificationTemplates.Layout(reminder is null ? "Approval needed" : "Reminder: approval needed",
            $"Hello {E(recipientName)},<br>Your decision is needed on <strong>{E(title)}</strong>. {E(why)}{E(again)}",
            facts,
            [new EmailButton("Approve", approveUrl, "#1f7a3f"), new EmailButton("Reject", rejectUrl, "#b42318")],
            $"The buttons open a page where you confirm, and may add a comment; opening it decides nothing. The link is yours alone, works once and expires on {DisplayTime.Format(expiresAt, zone)}.");
        var text = new StringBuilder();
        text.Append("Hello ").Append(recipientName).Append(",\n\nYour decision is needed on: ").Append(title).Append('\n').Append(why).Append(again).Append("\n\n");
        foreach (var (label, value) in facts) text.Append(label).Append(": ").Append(value).Append('\n');
        text.Append("\nApprove: ").Append(approveUrl).Append("\nReject: ").Append(rejectUrl)
            .Append("\n\nThe links open a page where you confirm; opening them decides nothing. They are yours alone, work once and expire on ")
            .Append(DisplayTime.Format(expiresAt, zone)).Append(".\n");
        return ($"{(reminder is null ? "" : "Reminder: ")}Approval needed: {title}", html, text.ToString());
    }
}
