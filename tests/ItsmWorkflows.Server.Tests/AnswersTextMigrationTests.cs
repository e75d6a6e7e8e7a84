using ItsmWorkflows.Server.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Requests raised before search read their answers are found by them after the upgrade: the AnswersText migration
/// fills each one's answers' values from its details, on both databases, as a new request's are written.
/// </summary>
public sealed class AnswersTextMigrationTests
{
    public static TheoryData<string> Providers => new() { "postgres", "sqlite" };

    private const string Before = "TicketAttachments";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RequestsRaisedBefore_GetTheirAnswersValues_NotTheirFieldNames(string provider)
    {
        var name = "itsm_answers_" + Guid.NewGuid().ToString("N")[..8];
        var path = Path.Combine(Path.GetTempPath(), $"{name}.db");
        var postgres = new NpgsqlConnectionStringBuilder(PostgresServerFixture.AdminConnectionString) { Database = name, Pooling = false }.ConnectionString;
        if (provider == "postgres") await AdminAsync($"CREATE DATABASE \"{name}\"");
        try
        {
            await using ItsmDbContext db = provider == "postgres"
                ? new PostgresItsmDbContext(new DbContextOptionsBuilder<PostgresItsmDbContext>().UseNpgsql(postgres).Options)
                : new SqliteItsmDbContext(new DbContextOptionsBuilder<SqliteItsmDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options);
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(Before, Ct);
            // Raw SQL: the model already has the new column, which the table at this point has not.
            var insert = provider == "postgres"
                ? "INSERT INTO tickets (id, number, kind, title, status, details, created_at, updated_at, revision) VALUES ({0}, {0}, {1}, 'Old', 'New', CAST({2} AS jsonb), now(), now(), 0)"
                : "INSERT INTO tickets (id, number, kind, title, status, details, created_at, updated_at, revision) VALUES ({0}, {0}, {1}, 'Old', 'New', {2}, 0, 0, 0)";
            var laptop = """{"item":"New laptop","answers":{"model":"Performance 16\"","reason":"Renders take all afternoon","copies":2,"urgent":true},"summary":{"Model":"Performance 16\""}}""";
            foreach (var (number, kind, details) in new[]
            {
                ("REQ0000001", "Request", laptop),
                ("REQ0000002", "Request", """{"item":"VPN access","answers":{}}"""),
                ("INC0000001", "Incident", """{"sla":{"pauseStatuses":["On hold"]},"service":"Network"}"""),
            })
            {
                await db.Database.ExecuteSqlRawAsync(insert, [number, kind, details], Ct);
            }

            await migrator.MigrateAsync(cancellationToken: Ct);

            var rows = await db.Tickets.AsNoTracking().OrderBy(t => t.Number).Select(t => new { t.Number, t.AnswersText }).ToListAsync(Ct);
            Assert.Equal(["INC0000001", "REQ0000001", "REQ0000002"], rows.Select(r => r.Number));
            Assert.Null(rows[0].AnswersText);
            // The values, one a line (in the order the database keeps the keys); a checkbox's true is no one's words.
            Assert.Equal(["2", "Performance 16\"", "Renders take all afternoon"], rows[1].AnswersText!.Split('\n').Order(StringComparer.Ordinal));
            Assert.Null(rows[2].AnswersText);
            // What a new request gets from the same answers.
            Assert.Equal(rows[1].AnswersText!.Split('\n').Order(StringComparer.Ordinal),
                Tickets.TicketSearch.AnswersText(System.Text.Json.Nodes.JsonNode.Parse(laptop)!["answers"]!.AsObject())!.Split('\n').Order(StringComparer.Ordinal));
        }
        finally
        {
            if (provider == "postgres") await AdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        }
    }

    private static async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
        await admin.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
