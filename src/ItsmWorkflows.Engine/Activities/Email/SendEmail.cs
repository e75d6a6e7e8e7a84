using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Email;

/// <summary>
/// Sends an email and waits until the mail server has accepted it. The message is written to the
/// outbox in the burst's own transaction (it exists only if the step that sends it committed) and is
/// delivered by the host, which then resumes this activity: accepted → "Done"; refused for good
/// (an unknown recipient, a rejected sender) → the activity faults with the server's reply as an
/// incident, which a retry sends again.
/// </summary>
public sealed class SendEmail : IActivity
{
    public const string TypeName = "Elsa.SendEmail";

    /// <summary>Total size of attachments accepted in one message.</summary>
    public const int MaxAttachmentBytes = 10 * 1024 * 1024;

    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = TypeName,
        Category = "Email",
        DisplayName = "Send Email",
        Description = "Sends an email (HTML and plain text) through the configured mail server and continues once it was accepted.",
        Inputs =
        [
            new InputDescriptor("from", "String", "singleline") { Description = "Sender; the server's default sender when empty." },
            new InputDescriptor("to", "String[]", "multi-text") { Description = "Recipients: addresses, or a list separated by commas or semicolons." },
            new InputDescriptor("cc", "String[]", "multi-text"),
            new InputDescriptor("bcc", "String[]", "multi-text"),
            new InputDescriptor("subject", "String", "singleline") { IsRequired = true },
            new InputDescriptor("body", "String", "multiline") { Description = "HTML or plain text; a Liquid expression renders templates." },
            new InputDescriptor("attachments", "Object", "json-editor") { Description = "One or a list of { fileName, contentType, content (base64) }, { url, fileName? }, http(s) links (fetched when the mail is sent, at most 10 MB) or data: URIs." },
        ],
        Outputs = [new OutputDescriptor("messageId", "String") { Description = "The Message-Id the mail server accepted." }],
        IsBlocking = true,
    };

    public static string Stimulus(string messageId) => "email:" + messageId;

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var (to, badTo) = EmailMessage.ParseAddresses(Addresses(context.Get("to")));
        var (cc, badCc) = EmailMessage.ParseAddresses(Addresses(context.Get("cc")));
        var (bcc, badBcc) = EmailMessage.ParseAddresses(Addresses(context.Get("bcc")));
        var (from, badFrom) = EmailMessage.ParseAddresses(Addresses(context.Get("from")));
        if ((badTo ?? badCc ?? badBcc ?? badFrom) is { } invalid)
        {
            return Fault($"'{invalid}' is not a valid email address.", "InvalidAddress");
        }
        if (to.Count + cc.Count + bcc.Count == 0) return Fault("Send Email has no recipient: set To, Cc or Bcc.", "NoRecipient");
        if (from.Count > 1) return Fault("Send Email takes one sender in From.", "InvalidAddress");
        var subject = context.GetString("subject");
        if (string.IsNullOrWhiteSpace(subject)) return Fault("Send Email has no subject.", "NoSubject");
        var body = context.GetString("body") ?? "";
        var attachments = new List<EmailAttachment>();
        if (ReadAttachments(context.Get("attachments"), attachments) is { } attachmentError) return Fault(attachmentError, "InvalidAttachment");

        var html = HtmlText.LooksLikeHtml(body);
        var message = new EmailMessage
        {
            Id = context.NewId(),
            From = from.Count == 1 ? from[0] : null,
            To = to,
            Cc = cc,
            Bcc = bcc,
            Subject = subject.ReplaceLineEndings(" ").Trim(),
            HtmlBody = html ? body : null,
            TextBody = html ? HtmlText.ToPlainText(body) : body,
            Attachments = attachments,
        };
        return ValueTask.FromResult(Queue(context, message));
    }

    /// <summary>The notification activities' choice: wait for the mail server's answer, or go on once the message is queued.</summary>
    internal static InputDescriptor WaitForDeliveryInput { get; } = new("waitForDelivery", "Boolean", "checkbox")
    {
        DisplayName = "Wait for delivery",
        Description = "Wait until the mail server has accepted the message, so that a refusal stops the process with an incident. "
            + "Off (the default): the process goes on as soon as the message is queued (it commits with the step and is delivered at least once); "
            + "a refusal shows on the ticket's timeline and in the log, and never holds up the process.",
    };

    /// <summary>
    /// Commits the message as outbound work with this burst; waits for the delivery report when the activity's
    /// "waitForDelivery" input says so, else completes at once (nobody is told of the delivery).
    /// </summary>
    internal static ActivityResult QueueNotification(ActivityContext context, EmailMessage message)
    {
        if (context.GetBool(WaitForDeliveryInput.Name)) return Queue(context, message);
        AddToOutbox(context, message, bookmarkId: null);
        return ActivityResult.Done;
    }

    /// <summary>Commits the message as outbound work with this burst and waits for the delivery report.</summary>
    internal static ActivityResult Queue(ActivityContext context, EmailMessage message)
    {
        var bookmark = context.CreateBookmark(Stimulus(message.Id), new JsonObject { ["messageId"] = message.Id, ["to"] = string.Join(", ", message.To) });
        AddToOutbox(context, message, bookmark.Id);
        return ActivityResult.Suspend(bookmark);
    }

    /// <summary>The message as outbound work of this burst; the delivery report resumes <paramref name="bookmarkId"/>, if any.</summary>
    private static void AddToOutbox(ActivityContext context, EmailMessage message, string? bookmarkId) =>
        context.Instance.Outbound.Add(new OutboundMessage(message.Id, EmailMessage.OutboxKind, message.ToJson(), context.Instance.InstanceId, bookmarkId));

    /// <summary>The host reports the delivery: { delivered, reply, messageId }.</summary>
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken) => OnDelivery(context, stimulus);

    internal static ValueTask<ActivityResult> OnDelivery(ActivityContext context, ResumeStimulus stimulus)
    {
        var payload = stimulus.Payload as JsonObject;
        var delivered = payload?["delivered"] is JsonValue d && d.TryGetValue<bool>(out var ok) && ok;
        var reply = payload?["reply"]?.ToString() ?? "no reply recorded";
        if (!delivered) return Fault($"The mail server refused the message: {reply}", "Undeliverable");
        context.SetOutput("messageId", payload?["messageId"]?.DeepClone());
        return ValueTask.FromResult(ActivityResult.Done);
    }

    private static ValueTask<ActivityResult> Fault(string message, string code) => ValueTask.FromResult(ActivityResult.Fault(message, code));

    private static bool IsWebLink(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static IEnumerable<string> Addresses(JsonNode? value) => value switch
    {
        null => [],
        JsonArray array => array.Select(v => v?.ToString()).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!),
        _ => string.IsNullOrWhiteSpace(value.ToString()) ? [] : [value.ToString()],
    };

    private static string? ReadAttachments(JsonNode? value, List<EmailAttachment> into)
    {
        var items = value switch
        {
            null => [],
            JsonArray array => array.ToList(),
            _ => [value],
        };
        long total = 0;
        foreach (var item in items)
        {
            EmailAttachment attachment;
            if (item is JsonObject { } link && link["url"]?.ToString() is { } url)
            {
                if (!IsWebLink(url)) return $"Attachment link '{url}' is not an http or https address.";
                into.Add(new EmailAttachment(link["fileName"]?.ToString() ?? "", link["contentType"]?.ToString() ?? "", "", url));
                continue;
            }
            if (item?.ToString() is { } text0 && IsWebLink(text0))
            {
                into.Add(new EmailAttachment("", "", "", text0));
                continue;
            }
            if (item is JsonObject o)
            {
                var name = o["fileName"]?.ToString();
                var content = o["content"]?.ToString();
                if (string.IsNullOrWhiteSpace(name) || content is null) return "An attachment needs a fileName and a base64 content, or a url.";
                attachment = new EmailAttachment(name, o["contentType"]?.ToString() ?? "application/octet-stream", content);
            }
            else if (item?.ToString() is { } text && text.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && text.IndexOf(";base64,", StringComparison.OrdinalIgnoreCase) is > 5 and var marker)
            {
                attachment = new EmailAttachment($"attachment-{into.Count + 1}", text[5..marker], text[(marker + 8)..]);
            }
            else
            {
                return "Attachments are objects { fileName, contentType, content (base64) }, { url, fileName? }, http(s) links or data: URIs.";
            }
            var bytes = new byte[attachment.ContentBase64.Length];
            if (!Convert.TryFromBase64String(attachment.ContentBase64, bytes, out var written)) return $"Attachment '{attachment.FileName}' is not valid base64.";
            total += written;
            if (total > MaxAttachmentBytes) return $"Attachments exceed {MaxAttachmentBytes / (1024 * 1024)} MB.";
            into.Add(attachment);
        }
        return null;
    }
}
