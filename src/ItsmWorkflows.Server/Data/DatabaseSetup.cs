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
        if (UsesPostgres(configuration))
        {
            var connectionString = configuration.GetConnectionString(PostgresConnectionName)!;
            builder.Services.AddDbContext<ItsmDbContext, PostgresItsmDbContext>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            var path = configuration["Database:SqlitePath"] ?? Path.Combine(builder.Environment.ContentRootPath, "itsmworkflows.db");
            builder.Services.AddDbContext<ItsmDbContext, SqliteItsmDbContext>(o => o.UseSqlite($"Data Source={path}"));
        }
        return builder;
    }
}
