using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ItsmWorkflows.Server.Data;

/// <summary>Lets `dotnet ef migrations add` build each provider's context without starting the server.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteItsmDbContext>
{
    public SqliteItsmDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteItsmDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresItsmDbContext>
{
    public PostgresItsmDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresItsmDbContext>().UseNpgsql("Host=localhost;Database=itsm_design").Options);
}
