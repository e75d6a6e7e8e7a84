using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Data;

/// <summary>Chooses the database: PostgreSQL when a connection string is configured, else the embedded SQLite file.</summary>
internal static class DatabaseSetup
{
    public const string PostgresConnectionName = "Postgres";

    public static bool UsesPostgres(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(PostgresConnectionName));

    public static WebApplicationBuilder AddItsmDatabase(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<Live.LiveUpdates>();
        builder.Services.AddSingleton<Live.TicketChangeInterceptor>();
        if (UsesPostgres(configuration))
        {
            var connectionString = Tune(configuration.GetConnectionString(PostgresConnectionName)!);
            builder.Services.AddDbContextPool<ItsmDbContext, PostgresItsmDbContext>((sp, o) => o.UseNpgsql(connectionString).AddInterceptors(sp.GetRequiredService<Live.TicketChangeInterceptor>()));
        }
        else
        {
            var path = configuration["Database:SqlitePath"] ?? Path.Combine(builder.Environment.ContentRootPath, "itsmworkflows.db");
            // SQLite changes a table by rebuilding it, which EF brackets with "PRAGMA foreign_keys" outside the
            // migration's transaction and warns about on every new database; the rebuild itself is transactional.
            builder.Services.AddDbContextPool<ItsmDbContext, SqliteItsmDbContext>((sp, o) => o.UseSqlite($"Data Source={path}")
                .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning))
                .AddInterceptors(sp.GetRequiredService<Live.TicketChangeInterceptor>(), new SqliteUnicodeLower()));
        }
        return builder;
    }

    /// <summary>
    /// Defaults that save round trips on every request, unless the connection string says otherwise:
    /// no DISCARD ALL when a pooled connection is returned (the server sets no session state),
    /// automatic preparation of the statements that repeat, and a pool of 32 connections per node, so
    /// that a burst of requests waits for a connection instead of exhausting PostgreSQL's
    /// max_connections (100 by default) when several nodes share the database.
    /// </summary>
    public static string Tune(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var given = connectionString.ToUpperInvariant();
        if (!given.Contains("POOL SIZE", StringComparison.Ordinal) && !given.Contains("MAXPOOLSIZE", StringComparison.Ordinal)) builder.MaxPoolSize = 32;
        if (!given.Contains("RESET ON CLOSE", StringComparison.Ordinal)) builder.NoResetOnClose = true;
        if (!given.Contains("AUTO PREPARE", StringComparison.Ordinal))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        return builder.ConnectionString;
    }

    /// <summary>Hangfire's own pool: smaller, and with session resets kept (it uses LISTEN/NOTIFY).</summary>
    public static string TuneForJobs(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var given = connectionString.ToUpperInvariant();
        if (!given.Contains("POOL SIZE", StringComparison.Ordinal) && !given.Contains("MAXPOOLSIZE", StringComparison.Ordinal)) builder.MaxPoolSize = 10;
        return builder.ConnectionString;
    }
}
