using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A real server process of this build refuses a database that a newer release migrated, exit code 1 with one line
/// naming the migration, and changes nothing: during a rolling upgrade an old node started after the first new one
/// would otherwise run with code that does not know the new columns. A database at exactly this build's migrations starts.
/// </summary>
public sealed class NewerSchemaTests
{
    private const string Future = "99991231235959_FromANewerRelease";

    public static TheoryData<string> Providers => new() { "postgres", "sqlite" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ADatabaseAtThisBuildsMigrations_Starts_AndOneWithANewerMigration_DoesNot(string provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        await using (var first = new ServerProcess(database.ConnectionString, database.Settings))
        {
            await first.StartAsync(Ct);
        }
        // Exactly the migrations this build knows (its first start applied them): it starts again.
        await using (var second = new ServerProcess(database.ConnectionString, database.Settings))
        {
            await second.StartAsync(Ct);
        }
        var known = await database.ScalarAsync("SELECT COUNT(*) FROM \"__EFMigrationsHistory\"");
        await database.ExecuteAsync($"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('{Future}', '99.0.0')");

        await using var third = new ServerProcess(database.ConnectionString, database.Settings);
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => third.StartAsync(Ct));

        Assert.Contains("The server exited with 1", failed.Message, StringComparison.Ordinal);
        var line = Assert.Single(third.Output.Split('\n'), l => l.Contains("The server cannot start: ", StringComparison.Ordinal));
        Assert.Contains($"The database schema is newer than this build: it has migration {Future} that this build does not know", line, StringComparison.Ordinal);
        Assert.Contains("Upgrade this node to the release that has it", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", third.Output, StringComparison.Ordinal);
        Assert.Equal(known + 1, await database.ScalarAsync("SELECT COUNT(*) FROM \"__EFMigrationsHistory\""));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AFreshDatabaseWithOnlyANewerMigration_IsRefusedBeforeAnythingIsMigrated(string provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        await database.ExecuteAsync(provider == "postgres"
            ? "CREATE TABLE \"__EFMigrationsHistory\" (\"MigrationId\" character varying(150) NOT NULL PRIMARY KEY, \"ProductVersion\" character varying(32) NOT NULL)"
            : "CREATE TABLE \"__EFMigrationsHistory\" (\"MigrationId\" TEXT NOT NULL PRIMARY KEY, \"ProductVersion\" TEXT NOT NULL)");
        await database.ExecuteAsync($"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('{Future}', '99.0.0')");

        await using var server = new ServerProcess(database.ConnectionString, database.Settings);
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(Ct));

        Assert.Contains("The server exited with 1", failed.Message, StringComparison.Ordinal);
        Assert.Contains($"it has migration {Future} that this build does not know", server.Output, StringComparison.Ordinal);
        // Not one of this build's migrations ran: the history table is still the only table, with its one row.
        Assert.Equal(1, await database.ScalarAsync(provider == "postgres"
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"));
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM \"__EFMigrationsHistory\""));
    }

    /// <summary>A database of its own for one test (a PostgreSQL database or a SQLite file), dropped afterwards.</summary>
    private sealed class ScratchDatabase : IAsyncDisposable
    {
        private readonly string _provider;
        private readonly string _name = "itsm_schema_" + Guid.NewGuid().ToString("N")[..8];
        private readonly string _path = Path.Combine(Path.GetTempPath(), $"itsm-schema-{Guid.NewGuid():N}.db");

        private ScratchDatabase(string provider) => _provider = provider;

        public static async Task<ScratchDatabase> CreateAsync(string provider)
        {
            var database = new ScratchDatabase(provider);
            if (provider == "postgres")
            {
                await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
                await admin.OpenAsync(Ct);
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database._name}\"", admin);
                await create.ExecuteNonQueryAsync(Ct);
            }
            return database;
        }

        /// <summary>The server's PostgreSQL connection string; empty for SQLite (the server then uses its file).</summary>
        public string ConnectionString => _provider == "postgres"
            ? new NpgsqlConnectionStringBuilder(PostgresServerFixture.AdminConnectionString) { Database = _name }.ConnectionString
            : "";

        public Dictionary<string, string> Settings => _provider == "postgres" ? [] : new() { ["Database__SqlitePath"] = _path };

        private DbConnection Connect() => _provider == "postgres"
            ? new NpgsqlConnection(ConnectionString + ";Pooling=false")
            : new SqliteConnection($"Data Source={_path};Pooling=False");

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = Connect();
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(Ct);
        }

        public async Task<long> ScalarAsync(string sql)
        {
            await using var connection = Connect();
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            if (_provider == "postgres")
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            {
                try { File.Delete(file); } catch (IOException) { }
            }
        }
    }
}
