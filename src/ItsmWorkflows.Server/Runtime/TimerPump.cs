using System.Data.Common;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// Fires due timers from the timers table, on every node. Each poll claims a batch of due timers with
/// one statement (on PostgreSQL: FOR UPDATE SKIP LOCKED, so two nodes never take the same timer; a claim
/// lapses after 30 s, so a crashed node's timers are taken over) and fires them a few at a time. Firing is
/// idempotent, so a lapsed claim that fires twice still completes the timer once. This replaces a Hangfire
/// job per timer, which costs many commits each and made 1,000 simultaneous timers seconds late.
/// </summary>
internal sealed partial class TimerPump(IServiceScopeFactory scopes, WorkflowServices services, IConfiguration configuration, ILogger<TimerPump> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(30);
    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly TimeSpan _interval = configuration.GetValue("Jobs:TimerPollInterval", TimeSpan.FromMilliseconds(250));
    private readonly int _parallelism = Math.Max(1, configuration.GetValue("Jobs:TimerParallelism", 4));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, services.Time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await PumpOnceAsync(stoppingToken) == BatchSize)
                {
                    // A full batch: more are due; go again at once.
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be restarting: log, and try again at the next tick. Its absence is one line per
                // poll, not a stack trace each (18 of them in six seconds of a restart); anything else keeps its trace.
                if (Api.ProblemExceptionHandler.DatabaseUnavailable(ex) || ex is TransientStoreException) LogPumpWaitsForDatabase(logger, ex.GetBaseException().Message);
                else LogPumpFailed(logger, ex);
            }
            if (!await timer.WaitForNextTickAsync(stoppingToken)) break;
        }
    }

    /// <summary>Claims and fires the timers due now; returns how many were claimed.</summary>
    public async Task<int> PumpOnceAsync(CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        List<(string InstanceId, string BookmarkId)> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            claimed = db.IsPostgres ? await ClaimOnPostgresAsync(db, now, cancellationToken) : await ClaimOnSqliteAsync(db, now, cancellationToken);
        }
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken }, async (timer, ct) =>
        {
            // One timer that cannot fire must not hold up the others of its batch (they would be retried, and fail
            // with it, at every poll): it is set aside for a while instead, with one line in the log.
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().FireTimerAsync(timer.InstanceId, timer.BookmarkId, ct);
            }
            catch (InstanceFaultedException)
            {
                // It fires once the incident is retried: the next look after the retry finds it due.
                LogTimerWaitsForIncident(logger, timer.BookmarkId, timer.InstanceId, FaultedRecheck.TotalSeconds);
                await SetAsideAsync(timer.BookmarkId, services.Time.GetUtcNow() + FaultedRecheck, CancellationToken.None);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is not TransientStoreException)
            {
                LogTimerFailed(logger, timer.BookmarkId, timer.InstanceId, ex.GetBaseException().Message, FailedRecheck.TotalSeconds);
                await SetAsideAsync(timer.BookmarkId, services.Time.GetUtcNow() + FailedRecheck, CancellationToken.None);
            }
        });
        return claimed.Count;
    }

    /// <summary>How long a timer of an instance stopped by an incident waits before it is looked at again.</summary>
    internal static readonly TimeSpan FaultedRecheck = TimeSpan.FromMinutes(1);

    /// <summary>How long a timer whose firing failed unexpectedly waits before it is tried again.</summary>
    internal static readonly TimeSpan FailedRecheck = TimeSpan.FromSeconds(30);

    /// <summary>Claims the timer until <paramref name="until"/> in this node's name: no node polls it before then.</summary>
    private async Task SetAsideAsync(string timerId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            await db.Timers.Where(t => t.Id == timerId && t.FiredAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.ClaimedBy, _node).SetProperty(t => t.ClaimedUntil, until), cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            // The database is away: the claim (PostgreSQL) or the next poll tries again; nothing is lost.
            LogSetAsideFailed(logger, timerId, ex.GetBaseException().Message);
        }
    }

    private async Task<List<(string, string)>> ClaimOnPostgresAsync(ItsmDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE timers SET claimed_by = @node, claimed_until = @until
                WHERE id IN (
                    SELECT id FROM timers
                    WHERE fired_at IS NULL AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
                    ORDER BY due_at LIMIT @limit
                    FOR UPDATE SKIP LOCKED)
                RETURNING instance_id, bookmark_id
                """;
            Add(command, "node", _node);
            Add(command, "until", now + ClaimFor);
            Add(command, "now", now);
            Add(command, "limit", BatchSize);
            return await ReadAsync(command, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The embedded default is one node: no claim is needed to fire, only to set a timer aside.</summary>
    private static async Task<List<(string, string)>> ClaimOnSqliteAsync(ItsmDbContext db, DateTimeOffset now, CancellationToken cancellationToken) =>
        [.. (await db.Timers.AsNoTracking().Where(t => t.FiredAt == null && t.DueAt <= now && (t.ClaimedUntil == null || t.ClaimedUntil < now)).OrderBy(t => t.DueAt).Take(BatchSize)
            .Select(t => new { t.InstanceId, t.BookmarkId }).ToListAsync(cancellationToken)).Select(t => (t.InstanceId, t.BookmarkId))];

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<List<(string, string)>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var result = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer {TimerId} of instance {InstanceId} is due, but its instance is stopped by an incident; looking again in {Seconds} s")]
    private static partial void LogTimerWaitsForIncident(ILogger logger, string timerId, string instanceId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {TimerId} of instance {InstanceId} could not fire ({Reason}); trying again in {Seconds} s")]
    private static partial void LogTimerFailed(ILogger logger, string timerId, string instanceId, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {TimerId} could not be set aside ({Reason}); the next poll takes it again")]
    private static partial void LogSetAsideFailed(ILogger logger, string timerId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer pump: the database is unavailable ({Reason}); retrying at the next tick")]
    private static partial void LogPumpWaitsForDatabase(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer pump: a poll failed; retrying at the next tick")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);
}
