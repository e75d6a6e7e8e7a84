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

    /// <summary>One insert, its commit and answer, in milliseconds.</summary>
    public async Task<double> WriteAsync()
    {
        var t = Stopwatch.StartNew();
        await using var insert = new NpgsqlCommand("INSERT INTO single_writes VALUES (@id, now())", _connection);
        insert.Parameters.AddWithValue("id", Guid.NewGuid().ToString("N"));
        await insert.ExecuteNonQueryAsync();
        return t.Elapsed.TotalMilliseconds;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
