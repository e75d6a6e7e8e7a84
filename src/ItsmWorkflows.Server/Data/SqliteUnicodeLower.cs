using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ItsmWorkflows.Server.Data;

/// <summary>
/// SQLite's own lower() folds only A–Z, so a search for "Übersicht" in any case missed "übersicht" (PostgreSQL's folds
/// every letter). Each connection gets a lower() that folds as .NET does, which search terms are folded with too.
/// </summary>
internal sealed class SqliteUnicodeLower : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Register(connection);
        return Task.CompletedTask;
    }

    private static void Register(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite) sqlite.CreateFunction<string?, string?>("lower", text => text?.ToLowerInvariant(), isDeterministic: true);
    }
}
