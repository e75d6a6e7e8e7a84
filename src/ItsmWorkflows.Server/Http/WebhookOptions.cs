namespace ItsmWorkflows.Server.Http;

/// <summary>Inbound webhooks (section "Webhooks").</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// How long a request's Idempotency-Key is remembered: its repeats within it get the first answer, after it the key
    /// starts afresh. A day, as Stripe keeps them: longer than any sender's retries of one delivery.
    /// </summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At least an hour: shorter than a claim's lease (<see cref="WebhookIdempotency.ProcessingLease"/>) a key could expire while its first request still runs.</summary>
    public static bool IsValid(WebhookOptions o) => o.IdempotencyRetention >= TimeSpan.FromHours(1) && o.IdempotencyRetention <= TimeSpan.FromDays(30);

    public const string Message = "Webhooks:IdempotencyRetention is how long a webhook's Idempotency-Key is remembered, from 01:00:00 (an hour) to 30.00:00:00 (30 days); the default is 1.00:00:00, a day.";
}
