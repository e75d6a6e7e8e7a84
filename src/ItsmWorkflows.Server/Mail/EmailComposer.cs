using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Server.Http;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ItsmWorkflows.Server.Mail;

/// <summary>Turns outbox emails into MIME messages: headers every message of ours carries, parts, attachments.</summary>
internal sealed class EmailComposer(IOptions<MailOptions> options, IHttpClientFactory httpClients)
{
    public const string AttachmentClient = "mail-attachments";

    /// <summary>
    /// A message with our standard headers. The Message-Id derives from <paramref name="id"/>, so a message sent
    /// again after a crash is recognizably the same message.
    /// </summary>
    public MimeMessage Envelope(string id, string? from, DateTimeOffset date)
    {
        var message = new MimeMessage();
        var sender = MailboxAddress.Parse(from ?? options.Value.From);
        message.From.Add(sender);
        message.Date = date;
        message.MessageId = $"{id}@{(sender.Domain is { Length: > 0 } domain ? domain : "itsm.local")}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    /// <summary>The message a Send Email asked for, with its inline attachments (linked ones are fetched at send time).</summary>
    public MimeMessage Compose(EmailMessage email, DateTimeOffset date, string? instanceId)
    {
        var message = Envelope(email.Id, email.From, date);
        foreach (var to in email.To) message.To.Add(MailboxAddress.Parse(to));
        foreach (var cc in email.Cc) message.Cc.Add(MailboxAddress.Parse(cc));
        foreach (var bcc in email.Bcc) message.Bcc.Add(MailboxAddress.Parse(bcc));
        message.Subject = email.Subject;
        if (instanceId is not null) message.Headers.Add("X-Itsm-Instance", instanceId);
        var body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody };
        foreach (var attachment in email.Attachments.Where(a => a.Url is null))
        {
            body.Attachments.Add(Attachment(attachment.FileName, attachment.ContentType, Convert.FromBase64String(attachment.ContentBase64)));
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>
    /// Downloads the attachments given as links, when the message is sent (at most 10 MB in all), through the
    /// outbound network policy. A link that answers 4xx, is too large or points where the policy refuses fails
    /// the message for good (an incident that names it); an unreachable one is retried.
    /// </summary>
    public async Task AttachLinkedAsync(EmailMessage email, MimeMessage message, CancellationToken cancellationToken)
    {
        var linked = email.Attachments.Where(a => a.Url is not null).ToList();
        if (linked.Count == 0) return;
        var multipart = message.Body as Multipart is { ContentType.MediaSubtype: "mixed" } mixed ? mixed : Wrap(message);
        var http = httpClients.CreateClient(AttachmentClient);
        long total = 0;
        foreach (var attachment in linked)
        {
            HttpResponseMessage response;
            try
            {
                // The whole body is read here, into a buffer the client caps at the attachment limit and within its
                // timeout (a body read after the headers would obey neither).
                response = await http.GetAsync(attachment.Url, HttpCompletionOption.ResponseContentRead, cancellationToken);
            }
            catch (HttpRequestException ex) when (OutboundHttpSetup.IsRefusal(ex))
            {
                throw new MailDeliveryException($"Attachment {attachment.Url} could not be fetched: {ex.GetBaseException().Message}", permanent: true, ex);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
            {
                throw new MailDeliveryException($"Attachment {attachment.Url} is larger than {SendEmail.MaxAttachmentBytes / (1024 * 1024)} MB, the limit of a message's attachments.", permanent: true, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new MailDeliveryException($"Attachment {attachment.Url} could not be fetched: {ex.Message}", permanent: false, ex);
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode)
                {
                    throw new MailDeliveryException($"Attachment {attachment.Url} could not be fetched: {status} {response.ReasonPhrase}", permanent: status is >= 400 and < 500);
                }
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                total += bytes.Length;
                if (total > SendEmail.MaxAttachmentBytes) throw new MailDeliveryException($"Attachments exceed {SendEmail.MaxAttachmentBytes / (1024 * 1024)} MB.", permanent: true);
                var name = attachment.FileName is { Length: > 0 } given ? given
                    : Path.GetFileName(new Uri(attachment.Url!).AbsolutePath) is { Length: > 0 } fromPath ? fromPath : "attachment";
                var type = attachment.ContentType is { Length: > 0 } declared ? declared : response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
                multipart.Add(Attachment(name, type, bytes));
            }
        }
    }

    /// <summary>Base64 and untouched: a text attachment added the default way would get its line endings rewritten.</summary>
    private static MimePart Attachment(string fileName, string contentType, byte[] bytes) => new(ContentType.Parse(contentType))
    {
        Content = new MimeContent(new MemoryStream(bytes)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = fileName,
    };

    /// <summary>A message without attachments yet: its body becomes the first part of a multipart/mixed.</summary>
    private static Multipart Wrap(MimeMessage message)
    {
        var mixed = new Multipart("mixed") { message.Body ?? new TextPart("plain") { Text = "" } };
        message.Body = mixed;
        return mixed;
    }
}
