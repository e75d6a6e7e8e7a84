using System.Net;
using System.Text;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Identity;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ItsmWorkflows.Server.Mail;

internal sealed record MailTestRequest(string? To);

internal sealed record MailTestResult(bool DevMailbox, string? Server, int? Port, string? Security, bool Authenticated, IReadOnlyList<string> Capabilities, string? SentTo, string? Reply, string Message);

internal sealed record DevMailDto(string Id, string? InstanceId, string? From, IReadOnlyList<string> To, IReadOnlyList<string> Cc, IReadOnlyList<string> Bcc, string Subject, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, string Status, string? Error, string? HtmlBody, string TextBody);

/// <summary>The SMTP connection test (administrators) and the dev mailbox of the embedded default.</summary>
internal static class MailEndpoints
{
    public static void MapMailEndpoints(this WebApplication app)
    {
        app.MapPost("/api/mail/test-connection", TestConnectionAsync).RequireAuthorization(Policies.Admin).WithTags("Mail")
            .WithSummary("Connects to the configured SMTP server (and authenticates); with 'to', also sends a test message.");

        var mailbox = app.MapGroup("").RequireAuthorization(Policies.SignedIn).WithTags("Dev mailbox");
        mailbox.MapGet("/api/dev/mailbox", (DevMailbox box, IOptions<MailOptions> options) => List(box, options.Value))
            .WithSummary("Messages the embedded default kept instead of sending (only when no SMTP server is configured).");
        mailbox.MapGet("/dev/mailbox", (DevMailbox box, IOptions<MailOptions> options) =>
            Results.Content(ListPage(List(box, options.Value)), "text/html; charset=utf-8")).ExcludeFromDescription();
        mailbox.MapGet("/dev/mailbox/{id}", (string id, DevMailbox box, IOptions<MailOptions> options) =>
            Results.Content(MessagePage(List(box, options.Value, id).FirstOrDefault() ?? throw ProblemException.NotFound($"There is no message '{id}' in the dev mailbox.")), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
    }

    private static async Task<MailTestResult> TestConnectionAsync(MailTestRequest? request, IOptions<MailOptions> options, CancellationToken cancellationToken)
    {
        var mail = options.Value;
        if (mail.UsesDevMailbox)
        {
            return new MailTestResult(true, null, null, null, false, [], null, null, "No SMTP server is configured (Mail:Smtp:Host): mail goes to the dev mailbox at /dev/mailbox.");
        }
        if (!mail.SmtpConfigured)
        {
            throw new ProblemException(StatusCodes.Status500InternalServerError, "Mail settings problem", "No SMTP server is configured: set Mail__Smtp__Host (and port, security, credentials). Mail is held in the outbox until then.");
        }
        var smtp = mail.Smtp;
        await using var transport = new SmtpMailTransport(smtp);
        try
        {
            var (capabilities, authenticated) = await transport.ConnectAsync(cancellationToken);
            var offered = Enum.GetValues<SmtpCapabilities>().Where(c => c != SmtpCapabilities.None && capabilities.HasFlag(c)).Select(c => c.ToString()).ToList();
            string? reply = null;
            if (request?.To is { Length: > 0 } to)
            {
                if (!MailboxAddress.TryParse(to, out var recipient)) throw ProblemException.BadRequest($"'{to}' is not a valid email address.");
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse(mail.From));
                message.To.Add(recipient);
                message.Subject = "ItsmWorkflows: test message";
                message.Headers.Add("Auto-Submitted", "auto-generated");
                message.Body = new TextPart("plain") { Text = "This message confirms that ItsmWorkflows can send mail through " + smtp.Host + "." };
                reply = await transport.SendAsync(message, cancellationToken);
            }
            return new MailTestResult(false, smtp.Host, SmtpMailTransport.PortOf(smtp), smtp.Security, authenticated, offered, request?.To, reply,
                reply is null ? "Connected" + (authenticated ? " and signed in." : ".") : "Connected and sent the test message.");
        }
        catch (MailDeliveryException ex)
        {
            throw new ProblemException(StatusCodes.Status502BadGateway, "Mail server problem", $"{smtp.Host}:{SmtpMailTransport.PortOf(smtp)} ({smtp.Security}): {ex.Reply}");
        }
        catch (InvalidOperationException ex)
        {
            throw new ProblemException(StatusCodes.Status500InternalServerError, "Mail settings problem", ex.Message);
        }
    }

    private static List<DevMailDto> List(DevMailbox mailbox, MailOptions options, string? id = null)
    {
        if (!options.UsesDevMailbox)
        {
            throw ProblemException.NotFound(options.SmtpConfigured
                // Which server is the administrators' business (POST /api/mail/test-connection), not every signed-in person's.
                ? "The dev mailbox exists only when no SMTP server is configured; this server sends mail through its SMTP server."
                : "The dev mailbox exists only in the demo; configure an SMTP server (Mail__Smtp__Host).");
        }
        static IReadOnlyList<string> Addresses(InternetAddressList list) => [.. list.Mailboxes.Select(m => m.ToString())];
        return [.. mailbox.Newest().Where(m => id is null || m.Message.MessageId == id).Select(m => new DevMailDto(
            m.Message.MessageId ?? "", m.Message.Headers["X-Itsm-Instance"], m.Message.From.ToString(), Addresses(m.Message.To), Addresses(m.Message.Cc), Addresses(m.Message.Bcc),
            m.Message.Subject ?? "", m.Message.Date, m.KeptAt, "Delivered", null, m.Message.HtmlBody, m.Message.TextBody ?? ""))];
    }

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}}</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
          header { background: #243b53; color: #fff; padding: 12px 20px; } header a { color: #fff; }
          main { padding: 20px; max-width: 1100px; margin: auto; }
          table { border-collapse: collapse; width: 100%; background: #fff; }
          th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid #d9e2ec; vertical-align: top; overflow-wrap: anywhere; }
          @media (max-width: 640px) { main { padding: 12px; } thead { display: none; } tr { display: block; border-bottom: 1px solid #d9e2ec; padding: 6px 0; } td { display: block; border: 0; padding: 2px 10px; } }
          .status-Failed { color: #b91c1c; } .status-Queued { color: #92400e; }
          dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; background: #fff; padding: 12px; }
          dt { font-weight: 600; } iframe { width: 100%; height: 70vh; min-height: 900px; border: 1px solid #d9e2ec; background: #fff; }
          pre { white-space: pre-wrap; background: #fff; padding: 12px; border: 1px solid #d9e2ec; }
        </style></head>
        <body><header><strong>Dev mailbox</strong> — mail the server kept because no SMTP server is configured · <a href="/dev/mailbox">all messages</a></header>
        <main>{{body}}</main></body></html>
        """;

    private static string ListPage(List<DevMailDto> messages)
    {
        var rows = new StringBuilder();
        foreach (var m in messages)
        {
            rows.Append($"""<tr><td>{m.CreatedAt:yyyy-MM-dd HH:mm:ss}</td><td>{Encode(string.Join(", ", m.To.Concat(m.Cc)))}</td><td><a href="/dev/mailbox/{Uri.EscapeDataString(m.Id)}">{Encode(m.Subject)}</a></td><td class="status-{m.Status}">{m.Status}</td></tr>""");
        }
        var body = messages.Count == 0
            ? "<p>No mail yet. Messages that workflows send appear here.</p>"
            : $"<table><thead><tr><th scope=\"col\">Sent</th><th scope=\"col\">To</th><th scope=\"col\">Subject</th><th scope=\"col\">Status</th></tr></thead><tbody>{rows}</tbody></table>";
        return Page("Dev mailbox", body);
    }

    private static string MessagePage(DevMailDto m)
    {
        // The message renders in a sandboxed frame: no scripts, links open in the top window so approval links work.
        var html = m.HtmlBody is null ? null : "<base target=\"_top\">" + m.HtmlBody;
        var body = new StringBuilder();
        body.Append("<h1>").Append(Encode(m.Subject)).Append("</h1><dl>");
        void Row(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) body.Append("<dt>").Append(name).Append("</dt><dd>").Append(Encode(value)).Append("</dd>");
        }
        Row("From", m.From);
        Row("To", string.Join(", ", m.To));
        Row("Cc", string.Join(", ", m.Cc));
        Row("Bcc", string.Join(", ", m.Bcc));
        Row("Sent", m.CreatedAt.ToString("u"));
        Row("Status", m.Status + (m.Error is null ? "" : ": " + m.Error));
        Row("Instance", m.InstanceId);
        body.Append("</dl>");
        if (html is not null)
        {
            body.Append("<h2>HTML</h2><iframe title=\"Message body\" sandbox=\"allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation\" srcdoc=\"")
                .Append(Encode(html)).Append("\"></iframe>");
        }
        body.Append("<h2>Plain text</h2><pre>").Append(Encode(m.TextBody)).Append("</pre>");
        return Page(m.Subject, body.ToString());
    }
}
