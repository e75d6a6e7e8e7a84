using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// Idempotency-Keys of inbound webhooks, in the database so every node sees the same claims: the first request with a
/// key inserts its row (INSERT … ON CONFLICT DO NOTHING on the row's unique id), runs, and records its answer there; a
/// repeat finds the row and is answered from it, or told the first is still running. At most once: a start under a key
/// gives its instance the id chosen at the claim, so no path (a retry after a failure, a node taking over a claim whose
/// lease lapsed) can start a second one.
/// </summary>
internal sealed partial class WebhookIdempotency(ItsmDbContext db, WorkflowServices services, IOptions<WebhookOptions> options, IServiceScopeFactory scopes, ILogger<WebhookIdempotency> logger)
{
    /// <summary>How long a claim is its node's while it runs the request; after it, a repeat may take the claim over (the node stopped).</summary>
    public static readonly TimeSpan ProcessingLease = TimeSpan.FromMinutes(5);

    /// <summary>The largest answer body stored for the repeats; a larger one is replayed as its status and headers only.</summary>
    public const int MaxStoredBodyBytes = 64 * 1024;

    /// <summary>Claims racing for one key settle within a few rounds; past them the key is as busy as it gets.</summary>
    private const int MaxClaimRounds = 5;

    private static readonly DateTimeOffsetToBinaryConverter SqliteTime = new();

    public TimeSpan Retention => options.Value.IdempotencyRetention;

    /// <summary>Claims the key <paramref name="id"/> (<see cref="IdempotencyKey.Scope"/>) for a request hashing to <paramref name="requestHash"/>.</summary>
    public async Task<IdempotencyClaim> ClaimAsync(string id, string requestHash, CancellationToken cancellationToken)
    {
        for (var round = 1; round <= MaxClaimRounds; round++)
        {
            var now = services.Time.GetUtcNow();
            var owner = NewOwner();
            var instanceId = services.NewId();
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO webhook_idempotency_keys (id, request_hash, instance_id, state, owner, leased_until, body_omitted, created_at, expires_at)
                VALUES ({id}, {requestHash}, {instanceId}, {nameof(WebhookIdempotencyState.Processing)}, {owner}, {Stamp(now + ProcessingLease)}, {false}, {Stamp(now)}, {Stamp(now + Retention)})
                ON CONFLICT (id) DO NOTHING
                """, cancellationToken);
            if (inserted == 1) return Owned(id, owner, instanceId, resumed: null, takenOver: false);

            var row = await db.WebhookIdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
            if (row is null) continue; // purged, or let go after a refusal, between the two statements
            if (row.ExpiresAt <= now)
            {
                // Expired, not purged yet: the key starts afresh, as a new one would. Of two nodes doing this, one matches.
                var fresh = await db.WebhookIdempotencyKeys.Where(k => k.Id == id && k.ExpiresAt <= now).ExecuteUpdateAsync(u => u
                    .SetProperty(k => k.RequestHash, requestHash).SetProperty(k => k.InstanceId, instanceId)
                    .SetProperty(k => k.State, WebhookIdempotencyState.Processing).SetProperty(k => k.Owner, owner)
                    .SetProperty(k => k.LeasedUntil, now + ProcessingLease).SetProperty(k => k.Resumed, (string?)null)
                    .SetProperty(k => k.StatusCode, (int?)null).SetProperty(k => k.ContentType, (string?)null).SetProperty(k => k.Headers, (string?)null)
                    .SetProperty(k => k.BodyOmitted, false).SetProperty(k => k.Body, (byte[]?)null)
                    .SetProperty(k => k.CreatedAt, now).SetProperty(k => k.ExpiresAt, now + Retention), cancellationToken);
                if (fresh == 1) return Owned(id, owner, instanceId, resumed: null, takenOver: false);
                continue;
            }
            if (!string.Equals(row.RequestHash, requestHash, StringComparison.Ordinal)) return Found(id, IdempotencyOutcome.DifferentRequest);
            if (row.State == WebhookIdempotencyState.Completed) return new IdempotencyClaim { Outcome = IdempotencyOutcome.Replay, Id = id, Answer = row };
            if (row.State == WebhookIdempotencyState.Processing && row.LeasedUntil > now) return Found(id, IdempotencyOutcome.InProgress);

            // Let go after a failure that committed nothing, or a lease that lapsed (its node stopped, or ran past it): this
            // request runs it, keeping the instance id chosen first. Of two repeats doing this, the one that still sees the
            // previous owner takes it.
            var previous = row.Owner;
            var taken = await db.WebhookIdempotencyKeys.Where(k => k.Id == id && k.Owner == previous && k.State != WebhookIdempotencyState.Completed).ExecuteUpdateAsync(u => u
                .SetProperty(k => k.State, WebhookIdempotencyState.Processing).SetProperty(k => k.Owner, owner)
                .SetProperty(k => k.LeasedUntil, now + ProcessingLease), cancellationToken);
            if (taken == 1) return Owned(id, owner, row.InstanceId, row.Resumed, takenOver: true);
        }
        return Found(id, IdempotencyOutcome.InProgress);
    }

    /// <summary>Notes the waiters a resume goes to, before resuming them: whether it committed is then a lookup of their bookmarks.</summary>
    public async Task RecordResumeAsync(IdempotencyClaim claim, IEnumerable<(string BookmarkId, string InstanceId)> waiters, CancellationToken cancellationToken)
    {
        var list = waiters.ToList();
        var json = list.Count == 0 ? null : new JsonArray([.. list.Select(w => (JsonNode)new JsonObject { ["bookmarkId"] = w.BookmarkId, ["instanceId"] = w.InstanceId })]).ToJsonString();
        claim.Resumed = json;
        var (id, owner) = (claim.Id, claim.Owner);
        await db.WebhookIdempotencyKeys.Where(k => k.Id == id && k.Owner == owner).ExecuteUpdateAsync(u => u.SetProperty(k => k.Resumed, json), cancellationToken);
    }

    /// <summary>
    /// Renews the claim's lease every third of it while the request runs (on a scope of its own: the request's database
    /// context is busy), so only a node that stopped loses its claim; disposing stops it. A renewal that finds the claim
    /// gone or another's stops too.
    /// </summary>
    public LeaseKeeper KeepLeased(IdempotencyClaim claim) => new(scopes, services.Time, claim.Id, claim.Owner!, ProcessingLease, logger);

    /// <summary>Records the answer the repeats get. An attempt that lost its claim meanwhile records nothing: the one that took it over answers.</summary>
    public async Task CompleteAsync(IdempotencyClaim claim, int status, string? contentType, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var omitted = body.Length > MaxStoredBodyBytes;
        var stored = omitted ? null : body.ToArray();
        var headerJson = JsonSerializer.Serialize(headers);
        var (id, owner) = (claim.Id, claim.Owner);
        await db.WebhookIdempotencyKeys.Where(k => k.Id == id && k.Owner == owner).ExecuteUpdateAsync(u => u
            .SetProperty(k => k.State, WebhookIdempotencyState.Completed).SetProperty(k => k.LeasedUntil, (DateTimeOffset?)null)
            .SetProperty(k => k.StatusCode, status).SetProperty(k => k.ContentType, contentType).SetProperty(k => k.Headers, headerJson)
            .SetProperty(k => k.BodyOmitted, omitted).SetProperty(k => k.Body, stored), cancellationToken);
    }

    /// <summary>
    /// Forgets the key after a refusal (sign-in, policy, no such route): nothing ran, and a corrected request (signed in,
    /// once published) may use the key afresh, as Stripe keeps no result for a request refused before it ran.
    /// </summary>
    public async Task ForgetAsync(IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        var (id, owner) = (claim.Id, claim.Owner);
        await db.WebhookIdempotencyKeys.Where(k => k.Id == id && k.Owner == owner).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// After the run failed: the instance it committed, if it committed one (its start's instance exists, or a waiter it
    /// resumed no longer waits), for the answer the repeats get; else null, and the key is let go so that a repeat runs
    /// the request again (with the same instance id: should this check have been wrong, it cannot start a second one).
    /// When even this check fails (the database away) the claim is left to lapse, and the repeat after it looks again.
    /// </summary>
    public async Task<string?> SettleFailureAsync(IdempotencyClaim claim)
    {
        try
        {
            if (await CommittedInstanceAsync(claim, CancellationToken.None) is { } committed) return committed;
            var (id, owner) = (claim.Id, claim.Owner);
            // The waiters it went to are forgotten with it: one that stops waiting later (cancelled, say) was not this request's.
            await db.WebhookIdempotencyKeys.Where(k => k.Id == id && k.Owner == owner).ExecuteUpdateAsync(u => u
                .SetProperty(k => k.State, WebhookIdempotencyState.Released).SetProperty(k => k.LeasedUntil, (DateTimeOffset?)null)
                .SetProperty(k => k.Resumed, (string?)null), CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException or TimeoutException)
        {
            LogCannotSettle(logger, ex.GetBaseException().Message);
        }
        return null;
    }

    /// <summary>The instance an earlier attempt under this claim committed (its start, or the last waiter its resume took), or null.</summary>
    public async Task<string?> CommittedInstanceAsync(IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        var pinned = claim.InstanceId;
        if (await db.Instances.AnyAsync(i => i.Id == pinned, cancellationToken)) return pinned;
        if (claim.Resumed is not { } resumed) return null;
        var waiters = JsonNode.Parse(resumed)!.AsArray().Select(w => (Bookmark: w!["bookmarkId"]!.GetValue<string>(), Instance: w["instanceId"]!.GetValue<string>())).ToList();
        var ids = waiters.Select(w => w.Bookmark).ToList();
        var stillWaiting = (await db.Bookmarks.AsNoTracking().Where(b => ids.Contains(b.Id)).Select(b => b.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        // A waiter that no longer waits took the request (or, rarely, another one meanwhile): answering from it is safe, running it again is not.
        return waiters.LastOrDefault(w => !stillWaiting.Contains(w.Bookmark)).Instance;
    }

    /// <summary>Logs a failure after the workflow took the request; the answer is then made from its instance.</summary>
    public void FailedAfterCommit(Exception exception, string instanceId) => LogFailedAfterCommit(logger, exception, instanceId);

    /// <summary>Logs an answer that went out without being recorded.</summary>
    public void NotRecorded(Exception exception) => LogNotRecorded(logger, exception.GetBaseException().Message);

    private static IdempotencyClaim Owned(string id, string owner, string instanceId, string? resumed, bool takenOver) =>
        new() { Outcome = IdempotencyOutcome.Owned, Id = id, Owner = owner, InstanceId = instanceId, Resumed = resumed, TakenOver = takenOver };

    private static IdempotencyClaim Found(string id, IdempotencyOutcome outcome) => new() { Outcome = outcome, Id = id };

    private static string NewOwner() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A time as the column stores it, for the one statement written by hand: timestamptz on PostgreSQL, the converter's binary form on SQLite.</summary>
    private object Stamp(DateTimeOffset time) => db.IsPostgres ? time.ToUniversalTime() : SqliteTime.ConvertToProvider(time)!;

    [LoggerMessage(Level = LogLevel.Error, Message = "A webhook request failed after its workflow took it (instance {InstanceId}); it and its repeats are answered from the instance")]
    private static partial void LogFailedAfterCommit(ILogger logger, Exception exception, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook answer was sent but not recorded for its idempotency key ({Reason}); a repeat is answered from the instance once the claim lapses")]
    private static partial void LogNotRecorded(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook request's idempotency key could not be settled after a failure ({Reason}); a repeat may run it once its claim lapses")]
    private static partial void LogCannotSettle(ILogger logger, string reason);
}

/// <summary>Extends a claim's lease on a timer of the engine's clock until disposed (see <see cref="WebhookIdempotency.KeepLeased"/>).</summary>
internal sealed partial class LeaseKeeper : IAsyncDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly string _id;
    private readonly string _owner;
    private readonly TimeSpan _lease;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private Task _renewal = Task.CompletedTask;
    private int _failures;

    public LeaseKeeper(IServiceScopeFactory scopes, TimeProvider time, string id, string owner, TimeSpan lease, ILogger logger)
    {
        (_scopes, _time, _id, _owner, _lease, _logger) = (scopes, time, id, owner, lease, logger);
        var every = lease / 3;
        // The timer must not carry the request's context (its activity, its HttpContext) into renewals after it.
        using (ExecutionContext.SuppressFlow()) _timer = time.CreateTimer(_ => Tick(), null, every, every);
    }

    /// <summary>The renewal last started (for a test to wait on, instead of on time).</summary>
    internal Task Renewal
    {
        get
        {
            lock (_stop) return _renewal;
        }
    }

    private void Tick()
    {
        lock (_stop)
        {
            if (_stop.IsCancellationRequested || !_renewal.IsCompleted) return; // stopped, or the last one is still at it
            _renewal = RenewAsync(_stop.Token);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            var (id, owner, until) = (_id, _owner, _time.GetUtcNow() + _lease);
            var renewed = await db.WebhookIdempotencyKeys.Where(k => k.Id == id && k.Owner == owner && k.State == WebhookIdempotencyState.Processing)
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.LeasedUntil, until), cancellationToken);
            _failures = 0;
            if (renewed == 0) await _stop.CancelAsync(); // completed, let go, or taken over: nothing left to keep
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The database away for a moment: the next tick tries again, well before the lease runs out; said once it
            // has failed twice running, since a claim that lapses lets a repeat run the request beside this one.
            if (++_failures >= 2) LogRenewalFailing(_logger, _failures, ex.GetBaseException().Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_stop)
        {
            _stop.Cancel();
            running = _renewal;
        }
        await _timer.DisposeAsync();
        await running.ConfigureAwait(false); // a renewal under way finishes (or is cancelled) before the answer is recorded
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook request's idempotency claim could not be renewed ({Failures} times running: {Reason}); if it lapses, a repeat may run the request again")]
    private static partial void LogRenewalFailing(ILogger logger, int failures, string reason);
}
