using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ItsmWorkflows.Engine.Activities.Email;

/// <summary>An email as a workflow asked for it: rendered, addressed, waiting in the outbox.</summary>
public sealed record EmailMessage
{
    public required string Id { get; init; }

    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    public IReadOnlyList<string> Cc { get; init; } = [];

    public IReadOnlyList<string> Bcc { get; init; } = [];

    public required string Subject { get; init; }

    /// <summary>The HTML part, when the body is HTML.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>The plain-text part (derived from the HTML when the body is HTML).</summary>
    public required string TextBody { get; init; }

    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];

    public const string OutboxKind = "email";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Options)!.AsObject();

    public static EmailMessage FromJson(JsonNode json) => json.Deserialize<EmailMessage>(Options)
        ?? throw new JsonException("The outbox row holds no email.");

    public static EmailMessage FromJson(string json) => JsonSerializer.Deserialize<EmailMessage>(json, Options)
        ?? throw new JsonException("The outbox row holds no email.");

    /// <summary>
    /// Splits "a@x.org; Ann &lt;b@y.org&gt;, c@z.org" or a JSON array into addresses and checks each one;
    /// returns the first invalid entry, if any.
    /// </summary>
    public static (IReadOnlyList<string> Addresses, string? Invalid) ParseAddresses(IEnumerable<string> values)
    {
        var result = new List<string>();
        foreach (var value in values)
        {
            foreach (var part in value.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!MailAddress.TryCreate(part, out var address) || !address.Host.Contains('.', StringComparison.Ordinal) && address.Host != "localhost")
                {
                    return (result, part);
                }
                result.Add(address.DisplayName.Length > 0 ? $"{address.DisplayName} <{address.Address}>" : address.Address);
            }
        }
        return (result, null);
    }
}

/// <summary>
/// An attachment carried in the outbox: its bytes (base64), name and media type; or a link (http or https)
/// the host downloads when it sends the message.
/// </summary>
public sealed record EmailAttachment(string FileName, string ContentType, string ContentBase64, string? Url = null);
