using System.Data.Common;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ItsmWorkflows.Server.Live;

/// <summary>
/// Notices tickets (and their history) being saved, whichever code path saves them, and publishes their
/// topics once the change is durable: after the save, or after the commit of the transaction it ran in. A
/// rolled-back change publishes nothing, so a browser never re-reads a change that did not happen.
/// </summary>
internal sealed class TicketChangeInterceptor(LiveUpdates live) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is ItsmDbContext { PendingLiveTransaction: null } db && db.Database.CurrentTransaction is null) Flush(db);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        SavedChanges(eventData, result);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) Discard(eventData.Context);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => FlushCommitted(eventData);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        FlushCommitted(eventData);
        return Task.CompletedTask;
    }

    /// <summary>The commit of the transaction the topics were saved in publishes them (EF's own save transaction does not: SavedChanges does).</summary>
    private void FlushCommitted(TransactionEndEventData eventData)
    {
        if (eventData.Context is ItsmDbContext db && db.PendingLiveTransaction == eventData.TransactionId) Flush(db);
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Discard(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Collect(DbContext? context)
    {
        if (context is not ItsmDbContext db) return;
        // Topics left by a transaction that was disposed without commit or rollback (an exception, then a pooled
        // context reused) belong to a change that never happened: drop them.
        var transaction = db.Database.CurrentTransaction?.TransactionId;
        if (db.PendingLiveTopics.Count > 0 && db.PendingLiveTransaction != transaction) db.PendingLiveTopics.Clear();
        db.PendingLiveTransaction = transaction;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            switch (entry.Entity)
            {
                case TicketRecord ticket:
                    db.PendingLiveTopics.Add("ticket:" + ticket.Number);
                    if (ticket.ParentNumber is { } parent) db.PendingLiveTopics.Add("ticket:" + parent); // the parent lists its tasks
                    break;
                case TicketEventRecord history:
                    db.PendingLiveTopics.Add("ticket:" + history.TicketNumber);
                    break;
            }
        }
    }

    private void Flush(DbContext? context)
    {
        if (context is not ItsmDbContext db) return;
        foreach (var topic in db.PendingLiveTopics) live.Publish(topic);
        db.PendingLiveTopics.Clear();
        db.PendingLiveTransaction = null;
    }

    private static void Discard(DbContext? context)
    {
        if (context is not ItsmDbContext db) return;
        db.PendingLiveTopics.Clear();
        db.PendingLiveTransaction = null;
    }
}
