using ItsmWorkflows.Server.Runtime;
using Npgsql;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Which database errors the runtime retries (the burst runs again) and which it reports.</summary>
public sealed class TransientErrorTests
{
    [Fact]
    public async Task PostgresRestart_IsTransient_AndAConstraintViolationIsNot()
    {
        // A real PostgreSQL: terminate our own connection mid-session, as a server restart does.
        await using var connection = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var terminate = async () =>
        {
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pg_backend_pid())", connection);
            await kill.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        };
        var restart = await Assert.ThrowsAnyAsync<Exception>(terminate);
        Assert.True(EfWorkflowInstanceStore.IsTransient(restart), $"{restart.GetType().Name}: {restart.Message}");

        await using var fresh = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
        await fresh.OpenAsync(TestContext.Current.CancellationToken);
        var violate = async () =>
        {
            await using var command = new NpgsqlCommand("CREATE TEMP TABLE t (id int primary key); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1);", fresh);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        };
        var duplicate = await Assert.ThrowsAnyAsync<Exception>(violate);
        Assert.False(EfWorkflowInstanceStore.IsTransient(duplicate));
    }
}
