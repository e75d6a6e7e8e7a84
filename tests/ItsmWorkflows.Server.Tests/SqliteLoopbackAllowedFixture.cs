namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// SQLite, with outbound HTTP allowed to 127.0.0.1 only, where the tests' own services listen. The rest of
/// loopback (127.0.0.2) stays refused, so a test can show a refusal beside a service that is reachable.
/// </summary>
public sealed class SqliteLoopbackAllowedFixture : SqliteServerFixture
{
    protected override Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        settings["Http:Outbound:Allow:0"] = "127.0.0.1/32";
        return Task.CompletedTask;
    }
}
