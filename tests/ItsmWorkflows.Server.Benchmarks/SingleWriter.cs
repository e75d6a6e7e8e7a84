using System.Diagnostics;
using Npgsql;

namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>The latency baseline: one small row inserted and committed (durably, as the server's settings commit) on a connection kept open.</summary>
internal sealed class SingleWriter : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private SingleWriter(NpgsqlConnection connection) => _connection = connection;

    public static async Task<SingleWriter> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var setup = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS single_writes (id text PRIMARY KEY, at timestamptz)", connection)) await setup.ExecuteNonQueryAsync();
        return new SingleWriter(connection);
    }

    private NpgsqlCommand? _insert;

    /// <summary>One insert, its commit and answer, in milliseconds; prepared once, as the server's repeated statements are.</summary>
    public async Task<double> WriteAsync()
    {
        if (_insert is null)
        {
            _insert = new NpgsqlCommand("INSERT INTO single_writes VALUES ($1, now())", _connection);
            _insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "" });
            await _insert.PrepareAsync();
        }
        var t = Stopwatch.StartNew();
        ((NpgsqlParameter<string>)_insert.Parameters[0]).TypedValue = Guid.NewGuid().ToString("N");
        await _insert.ExecuteNonQueryAsync();
        return t.Elapsed.TotalMilliseconds;
    }

    public async ValueTask DisposeAsync()
    {
        if (_insert is not null) await _insert.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
