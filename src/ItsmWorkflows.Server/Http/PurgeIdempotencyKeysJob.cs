using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// Recurring: deletes the webhook idempotency keys past their retention. Safe to run twice and on every node at once
/// (a delete by expiry); a key that expired and was not purged yet is already treated as new by the next claim.
/// </summary>
internal sealed class PurgeIdempotencyKeysJob(ItsmDbContext db, WorkflowServices services)
{
    public const string RecurringId = "idempotency-key-purge";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        return await db.WebhookIdempotencyKeys.Where(k => k.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }
}
