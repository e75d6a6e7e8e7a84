using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Http;

/// <summary>What claiming an Idempotency-Key found: the request is this one's to run, or a repeat to answer without running.</summary>
internal sealed class IdempotencyClaim
{
    public required IdempotencyOutcome Outcome { get; init; }

    /// <summary>The key's row id (the hash of caller, route and key).</summary>
    public required string Id { get; init; }

    /// <summary>This attempt's token, when it owns the claim.</summary>
    public string Owner { get; init; } = "";

    /// <summary>The id a start under this key gives its instance.</summary>
    public string InstanceId { get; init; } = "";

    /// <summary>The waiters a resume under this key went to (JSON), as recorded before resuming them.</summary>
    public string? Resumed { get; set; }

    /// <summary>Owned after an earlier attempt that did not finish (its node stopped, or it failed): it may have committed.</summary>
    public bool TakenOver { get; init; }

    /// <summary>For a replay: the first request's answer.</summary>
    public WebhookIdempotencyRecord? Answer { get; init; }
}

internal enum IdempotencyOutcome
{
    /// <summary>This request runs; its answer is recorded for the repeats.</summary>
    Owned,

    /// <summary>A repeat of a request that was answered: the same answer again.</summary>
    Replay,

    /// <summary>A repeat while the first is still running: 409, nothing runs.</summary>
    InProgress,

    /// <summary>The key was used for another request: 422.</summary>
    DifferentRequest,
}
