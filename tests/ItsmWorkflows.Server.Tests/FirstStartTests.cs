using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// The first start on an empty PostgreSQL database, or on a server where the configured database does not exist yet
/// (the server creates it), works and says nothing alarming: an operator who sees "fail:" in the log of
/// a start that worked stops trusting the log (EF Core's migrator used to log its look for the history table that
/// does not exist yet as a failed command).
/// </summary>
public sealed class FirstStartTests
{
    private sealed class Capture : ILoggerProvider
    {
        public ConcurrentQueue<string> Errors { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Capture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) owner.Errors.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OnAnEmptyDatabase_OrNone_StartsAndLogsNoError(bool databaseExists)
    {
        var database = $"itsm_test_{Guid.NewGuid():N}";
        if (databaseExists)
        {
            await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var workflows = Directory.CreateTempSubdirectory("itsm-workflows-").FullName;
        var capture = new Capture();
        try
        {
            await using (var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            {
                builder.UseEnvironment("Testing");
                builder.UseSetting("ConnectionStrings:Postgres", new NpgsqlConnectionStringBuilder(PostgresServerFixture.AdminConnectionString) { Database = database }.ConnectionString);
                builder.UseSetting("Demo:Enabled", "true");
                builder.UseSetting("Workflows:Path", workflows);
                builder.UseSetting("Jobs:RunServer", "false");
                builder.UseSetting("Jobs:HangfireLogs", "none");
                builder.ConfigureLogging(logging => logging.AddProvider(capture));
            }))
            {
                _ = factory.Server; // migrations, seeding and the shipped workflows run now
                var client = factory.CreateClient();
                (await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            }
            Assert.Empty(capture.Errors);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
            await admin.OpenAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
            Directory.Delete(workflows, recursive: true);
        }
    }
}
