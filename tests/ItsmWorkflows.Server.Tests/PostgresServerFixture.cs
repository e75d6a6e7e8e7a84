using Npgsql;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A real PostgreSQL: a fresh database per fixture on the server named by ITSM_TEST_POSTGRES
/// (default: localhost, user itsm, password itsm), dropped afterwards.
/// </summary>
public class PostgresServerFixture : ServerFixture
{
    private readonly string _database = $"itsm_test_{Guid.NewGuid():N}";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("ITSM_TEST_POSTGRES") is { Length: > 0 } configured ? configured : "Host=localhost;Username=itsm;Password=itsm;Database=postgres";

    public override string Provider => "postgres";

    protected override async Task<IDictionary<string, string?>> CreateDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection)) await command.ExecuteNonQueryAsync();
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = _database };
        return new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = builder.ConnectionString };
    }

    protected override async Task DropDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
