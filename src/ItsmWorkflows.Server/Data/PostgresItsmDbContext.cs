using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Data;

/// <summary>Production: PostgreSQL through Npgsql; engine state in jsonb.</summary>
internal sealed class PostgresItsmDbContext(DbContextOptions<PostgresItsmDbContext> options) : ItsmDbContext(options)
{
    protected override string JsonColumnType => "jsonb";
}
