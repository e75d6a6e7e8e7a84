using Npgsql;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A real server process started with a setting it cannot work with stops at once, exit code 1, with one line naming
/// the setting: a wrong database password was retried for half a minute and ended in a stack trace, and a mail
/// security mode or link address mail cannot use passed the start and failed every email later.
/// </summary>
public sealed class StartupFailureTests
{
    private static string Database(string password = "itsm")
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresServerFixture.AdminConnectionString) { Database = "itsm_startup_" + Guid.NewGuid().ToString("N")[..8], Password = password };
        return builder.ConnectionString;
    }

    public static TheoryData<string, string, string> Settings => new()
    {
        { "password", "", "ConnectionStrings:Postgres: PostgreSQL at" },
        { "", "Mail__Smtp__Security=Bogus", "Mail:Smtp:Security is one of None, StartTls" },
        { "", "Mail__Smtp__Port=abc", "Mail:Smtp:Port" },
        { "", "Approvals__BaseUrl=itsm.example.org", "Approvals:BaseUrl is the server" },
        { "", "Display__TimeZone=Mars/Olympus_Mons", "Display:TimeZone is a time zone this machine knows" },
        { "", "Attachments__MaxUploadBytes=1000", "Attachments:MaxFileBytes is a size in bytes" },
        { "", "Webhooks__IdempotencyRetention=00:00:10", "Webhooks:IdempotencyRetention is how long" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task ASettingTheServerCannotWorkWith_StopsTheStart_WithOneLineNamingIt(string wrongPassword, string setting, string expected)
    {
        var settings = new Dictionary<string, string>();
        if (setting.Length > 0) settings[setting.Split('=')[0]] = setting.Split('=', 2)[1];
        await using var server = new ServerProcess(Database(wrongPassword.Length > 0 ? "not the password" : new NpgsqlConnectionStringBuilder(PostgresServerFixture.AdminConnectionString).Password!), settings);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(Ct));

        Assert.Contains("The server exited with 1", failed.Message, StringComparison.Ordinal);
        Assert.Contains("The server cannot start: ", server.Output, StringComparison.Ordinal);
        Assert.Contains(expected, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUpgrade_SaysWhichMigrationsItApplied_AndALaterStart_ThatTheSchemaIsCurrent()
    {
        var database = Database(new NpgsqlConnectionStringBuilder(PostgresServerFixture.AdminConnectionString).Password!);
        var logged = new Dictionary<string, string> { ["Logging__LogLevel__ItsmWorkflows.Server"] = "Information" };
        try
        {
            await using (var first = new ServerProcess(database, logged))
            {
                await first.StartAsync(Ct);
                Assert.Contains("Database schema upgraded: ", first.Output, StringComparison.Ordinal);
                Assert.Contains("PeopleDisabled", first.Output, StringComparison.Ordinal);
            }
            await using var second = new ServerProcess(database, logged);
            await second.StartAsync(Ct);
            Assert.Contains("Database schema is current, at ", second.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Database schema upgraded", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
            await admin.OpenAsync(Ct);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(database).Database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(Ct);
        }
    }
}
