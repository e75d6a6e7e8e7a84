namespace ItsmWorkflows.Server.Tests;

/// <summary>The embedded default: a SQLite file in a temporary folder. Open for fixtures that add settings.</summary>
public class SqliteServerFixture : ServerFixture
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"itsm-test-{Guid.NewGuid():N}.db");

    public override string Provider => "sqlite";

    protected override Task<IDictionary<string, string?>> CreateDatabaseAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?> { ["Database:SqlitePath"] = _path, ["ConnectionStrings:Postgres"] = "" });

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            try { File.Delete(file); } catch (IOException) { }
        }
        return Task.CompletedTask;
    }
}
