using System.Net;
using System.Text;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>
/// The email that asks for a decision: simple tables and inline styles (what mail clients render alike),
/// the facts to decide on, and two clear buttons. The links open a confirmation page; they decide nothing by themselves.
/// </summary>
internal static class ApprovalEmail
{
    public static (string Subject, string Html, string Text) Render(string title, IReadOnlyList<KeyValuePair<string, string>> details, string? requester, string recipientName,
        string? onBehalfOf, string? escalatedFrom, DateTimeOffset? dueAt, DateTimeOffset expiresAt, string approveUrl, string rejectUrl)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var why = onBehalfOf is not null ? $"You decide on behalf of {onBehalfOf}, who named you as their delegate."
            : escalatedFrom is not null ? $"{escalatedFrom} has not decided in time, so it comes to you as their manager."
            : "You are an approver.";
        var rows = new StringBuilder();
        foreach (var (label, value) in details)
        {
            rows.Append($"""<tr><td style="padding:6px 12px 6px 0;color:#52606d;vertical-align:top;white-space:nowrap">{E(label)}</td><td style="padding:6px 0;color:#1f2933">{E(value)}</td></tr>""");
        }
        if (requester is not null) rows.Append($"""<tr><td style="padding:6px 12px 6px 0;color:#52606d">Requested by</td><td style="padding:6px 0;color:#1f2933">{E(requester)}</td></tr>""");
        if (dueAt is { } due) rows.Append($"""<tr><td style="padding:6px 12px 6px 0;color:#52606d">Decide by</td><td style="padding:6px 0;color:#1f2933">{due:yyyy-MM-dd HH:mm} UTC</td></tr>""");
        var html = $"""
            <!doctype html>
            <html><body style="margin:0;padding:0;background:#f5f7fa">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f5f7fa;padding:24px 0"><tr><td align="center">
            <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border:1px solid #d9e2ec;font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5">
              <tr><td style="background:#243b53;color:#ffffff;padding:16px 24px;font-size:13px;letter-spacing:.05em;text-transform:uppercase">Approval needed</td></tr>
              <tr><td style="padding:24px">
                <p style="margin:0 0 8px 0;color:#1f2933">Hello {E(recipientName)},</p>
                <p style="margin:0 0 16px 0;color:#1f2933">Your decision is needed on <strong>{E(title)}</strong>. {E(why)}</p>
                <table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 20px 0">{rows}</table>
                <table role="presentation" cellpadding="0" cellspacing="0"><tr>
                  <td style="background:#1f7a3f;border-radius:4px"><a href="{E(approveUrl)}" style="display:inline-block;padding:10px 22px;color:#ffffff;text-decoration:none;font-weight:600">Approve</a></td>
                  <td style="width:12px"></td>
                  <td style="background:#b42318;border-radius:4px"><a href="{E(rejectUrl)}" style="display:inline-block;padding:10px 22px;color:#ffffff;text-decoration:none;font-weight:600">Reject</a></td>
                </tr></table>
                <p style="margin:20px 0 0 0;color:#52606d;font-size:13px">The buttons open a page where you confirm, and may add a comment; opening it decides nothing.
                The link is yours alone, works once and expires on {expiresAt:yyyy-MM-dd HH:mm} UTC.</p>
              </td></tr>
            </table></td></tr></table>
            </body></html>
            """;
        var text = new StringBuilder();
        text.Append("Hello ").Append(recipientName).Append(",\n\nYour decision is needed on: ").Append(title).Append('\n').Append(why).Append("\n\n");
        foreach (var (label, value) in details) text.Append(label).Append(": ").Append(value).Append('\n');
        if (requester is not null) text.Append("Requested by: ").Append(requester).Append('\n');
        if (dueAt is { } d) text.Append("Decide by: ").Append(d.ToString("yyyy-MM-dd HH:mm")).Append(" UTC\n");
        text.Append("\nApprove: ").Append(approveUrl).Append("\nReject: ").Append(rejectUrl)
            .Append("\n\nThe links open a page where you confirm; opening them decides nothing. They are yours alone, work once and expire on ")
            .Append(expiresAt.ToString("yyyy-MM-dd HH:mm")).Append(" UTC.\n");
        return ($"Approval needed: {title}", html, text.ToString());
    }
}
