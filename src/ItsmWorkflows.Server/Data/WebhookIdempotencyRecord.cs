namespace ItsmWorkflows.Server.Data;

/// <summary>
/// One Idempotency-Key of an inbound webhook (/workflows/{path}): claimed by the first request that carries it, then
/// holding that request's answer for its repeats until it expires. The key itself is never stored, only a hash of it
/// with its route and caller, which is the row's id: the unique key two nodes' claims meet at.
/// </summary>
internal sealed class WebhookIdempotencyRecord
{
    /// <summary>SHA-256 (lower-case hex) of the caller, the route and the key.</summary>
    public required string Id { get; init; }

    /// <summary>SHA-256 of the first request's method, path and query, and body: a repeat must be the same request.</summary>
    public required string RequestHash { get; set; }

    /// <summary>
    /// The id a start under this key gives its instance, chosen when the key is claimed: a second start (a retry after a
    /// failure whose outcome was unknown, a node that took over a lapsed claim) cannot make a second instance, as the
    /// id is taken, and whether the first committed is a lookup away.
    /// </summary>
    public required string InstanceId { get; set; }

    public WebhookIdempotencyState State { get; set; }

    /// <summary>The attempt holding the claim; an attempt that lost it (its lease lapsed and another took over) records nothing.</summary>
    public required string Owner { get; set; }

    /// <summary>Until when a processing claim is its owner's; after it (the node died) a repeat may take it over.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    /// <summary>The waiting HTTP Endpoints a resume under this key went to (JSON: bookmark and instance ids), written before it resumes them.</summary>
    public string? Resumed { get; set; }

    public int? StatusCode { get; set; }

    public string? ContentType { get; set; }

    /// <summary>The answer's own headers as a JSON object (a workflow's, the sandbox's), replayed with it.</summary>
    public string? Headers { get; set; }

    /// <summary>The answer's body was larger than what is stored: a repeat gets its status and headers with an empty body.</summary>
    public bool BodyOmitted { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the key may be used again for a new request (Webhooks:IdempotencyRetention after the claim); purged after.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Last, so it is the table's last column (see <see cref="TicketAttachmentRecord.Content"/>).</summary>
    public byte[]? Body { get; set; }
}

/// <summary>Where a key's first request is: taken by a node, let go after a failure that committed nothing, or answered.</summary>
internal enum WebhookIdempotencyState
{
    Processing,
    Released,
    Completed,
}
