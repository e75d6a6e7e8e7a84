using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The embedded SQLite database in the Production environment, as the Docker image runs without PostgreSQL, and no Demo setting.</summary>
public sealed class SqliteProductionFixture : SqliteServerFixture
{
    protected override string EnvironmentName => "Production";

    protected override Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        settings.Remove("Demo:Enabled");
        return Task.CompletedTask;
    }
}

/// <summary>A production server is never a demo by accident: no password-less sign-in, no dev mailbox, unless Demo:Enabled says so.</summary>
public sealed class ProductionDefaultsTests(SqliteProductionFixture fixture) : IClassFixture<SqliteProductionFixture>
{
    [Fact]
    public async Task WithoutPostgres_InProduction_TheDemoIsOff()
    {
        var anonymous = await fixture.ClientAsync(null);
        var demo = await anonymous.PostJsonAsync("/account/demo-sign-in", new { userName = "erin" });
        Assert.Equal(HttpStatusCode.NotFound, demo.StatusCode);
        Assert.Contains("only available in the embedded demo", (await ReadAsync(demo))["detail"]!.GetValue<string>());

        var admin = await fixture.ClientAsync(null);
        (await admin.PostJsonAsync("/account/login", new { userName = ServerFixture.BootstrapAdmin, password = ServerFixture.BootstrapPassword })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/dev/mailbox", Ct)).StatusCode);
    }
}
