using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ItsmWorkflows.Server.Data;

/// <summary>The embedded default: a SQLite file.</summary>
internal sealed class SqliteItsmDbContext(DbContextOptions<SqliteItsmDbContext> options) : ItsmDbContext(options)
{
    protected override string JsonColumnType => "TEXT";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ConfigureCommonConventions(configurationBuilder);
        // SQLite cannot compare or sort DateTimeOffset; all times here are UTC, so the binary form sorts correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
