using ItsmWorkflows.Server.Definitions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

public sealed class ShippedWorkflowsTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private async Task ImportAsync()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ShippedWorkflows>().ImportAsync(Ct);
    }

    [Fact]
    public async Task Import_IsIdempotent_AndANewFileBecomesThePublishedNextVersion()
    {
        var id = "shipped-" + Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateDirectory(Path.Combine(fixture.WorkflowsFolder, id)).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "v1.json"), Definition(id, "one"), Ct);
        await ImportAsync();
        await ImportAsync();
        var client = await fixture.ClientAsync("dave");
        var versions = (await OkAsync(await client.GetAsync($"/api/definitions/{id}/versions", Ct))).AsArray();
        Assert.Equal("Published", Assert.Single(versions)!["state"]!.GetValue<string>());

        await File.WriteAllTextAsync(Path.Combine(folder, "v2.json"), Definition(id, "two"), Ct);
        await ImportAsync();
        versions = (await OkAsync(await client.GetAsync($"/api/definitions/{id}/versions", Ct))).AsArray();
        Assert.Equal(["Published", "Superseded"], versions.Select(v => v!["state"]!.GetValue<string>()));
        Assert.Equal(2, versions[0]!["version"]!.GetValue<int>());
    }
}
