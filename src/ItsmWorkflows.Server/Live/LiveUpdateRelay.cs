using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.SignalR;
using Npgsql;

namespace ItsmWorkflows.Server.Live;

/// <summary>
/// Sends queued topics to this node's browsers and, on PostgreSQL, to the other nodes; and relays the other
/// nodes' topics to this node's browsers (LISTEN on a connection of its own, re-opened after a failure).
/// </summary>
internal sealed partial class LiveUpdateRelay(LiveUpdates live, IHubContext<LiveHub> hub, IConfiguration configuration, ILogger<LiveUpdateRelay> logger) : BackgroundService
{
    private const string Channel = "itsm_live";
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(100);

    private readonly string? _postgres = DatabaseSetup.UsesPostgres(configuration) ? configuration.GetConnectionString(DatabaseSetup.PostgresConnectionName) : null;

    /// <summary>The pooled connection NOTIFY is sent on, tuned once.</summary>
    private readonly string? _notify = DatabaseSetup.UsesPostgres(configuration) ? DatabaseSetup.Tune(configuration.GetConnectionString(DatabaseSetup.PostgresConnectionName)!) : null;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _postgres is null ? SendAsync(stoppingToken) : Task.WhenAll(SendAsync(stoppingToken), ListenAsync(new NpgsqlConnectionStringBuilder(_postgres) { Pooling = false, KeepAlive = 30 }.ConnectionString, stoppingToken));

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var batch = new HashSet<string>(StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await live.Reader.WaitToReadAsync(stoppingToken)) return;
                await Task.Delay(Coalesce, stoppingToken); // gather what the same moment changed
                while (batch.Count < 500 && live.Reader.TryRead(out var topic)) batch.Add(topic);
                foreach (var topic in batch) await hub.Clients.Group(topic).SendAsync("changed", topic, stoppingToken);
                if (_notify is { } notify) await NotifyOtherNodesAsync(notify, batch, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // checkpoint: a lost notification only delays a browser's refresh to its fallback poll.
                LogSendFailed(logger, ex.GetBaseException().Message);
            }
            finally
            {
                batch.Clear();
            }
        }
    }

    private async Task NotifyOtherNodesAsync(string connectionString, HashSet<string> topics, CancellationToken cancellationToken)
    {
        // A NOTIFY payload holds under 8,000 bytes: topics go in chunks, one statement for all of them.
        var payloads = new List<string>();
        var current = new System.Text.StringBuilder(live.NodeId);
        foreach (var topic in topics)
        {
            if (current.Length + topic.Length + 1 > 7_000)
            {
                payloads.Add(current.ToString());
                current.Clear().Append(live.NodeId);
            }
            current.Append('\n').Append(topic);
        }
        payloads.Add(current.ToString());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT pg_notify('{Channel}', p) FROM unnest($1::text[]) AS p", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. payloads] });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                // Npgsql may raise notifications on a keep-alive timer's thread too, not only inside WaitAsync.
                var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
                connection.Notification += (_, e) =>
                {
                    var lines = e.Payload.Split('\n');
                    if (lines.Length > 1 && lines[0] != live.NodeId) foreach (var line in lines.Skip(1)) received.Enqueue(line);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                delay = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                    var topics = new HashSet<string>(StringComparer.Ordinal);
                    while (received.TryDequeue(out var topic)) topics.Add(topic);
                    foreach (var topic in topics) await hub.Clients.Group(topic).SendAsync("changed", topic, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(logger, ex.GetBaseException().Message, delay.TotalSeconds);
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live updates could not be sent: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other nodes' live updates failed ({Reason}); retrying in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, string reason, double seconds);
}
