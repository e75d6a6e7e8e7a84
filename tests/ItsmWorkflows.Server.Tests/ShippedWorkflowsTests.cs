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

    [Fact]
    public async Task ANewDatabase_StartsFromTheNewestFile_AndLaterStartsLeaveNoStaleDraft()
    {
        var id = "shipped-" + Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateDirectory(Path.Combine(fixture.WorkflowsFolder, id)).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "v1.json"), Definition(id, "one"), Ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "v2.json"), Definition(id, "two"), Ct);
        await ImportAsync();
        await ImportAsync(); // a restart: the older file must not come back as a draft above the published version
        var client = await fixture.ClientAsync("dave");
        var versions = (await OkAsync(await client.GetAsync($"/api/definitions/{id}/versions", Ct))).AsArray();
        Assert.Equal("Published", Assert.Single(versions)!["state"]!.GetValue<string>());
        var published = await OkAsync(await client.GetAsync($"/api/definitions/{id}", Ct));
        Assert.Contains("two", published.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"one\"", published.ToJsonString(), StringComparison.Ordinal);

        // Two new files at once: each becomes a version in turn, the newest published, none left as a draft.
        await File.WriteAllTextAsync(Path.Combine(folder, "v3.json"), Definition(id, "three"), Ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "v4.json"), Definition(id, "four"), Ct);
        await ImportAsync();
        await ImportAsync();
        versions = (await OkAsync(await client.GetAsync($"/api/definitions/{id}/versions", Ct))).AsArray();
        Assert.Equal(["Published", "Superseded", "Superseded"], versions.Select(v => v!["state"]!.GetValue<string>()));
        Assert.Contains("four", (await OkAsync(await client.GetAsync($"/api/definitions/{id}", Ct))).ToJsonString(), StringComparison.Ordinal);
    }
}
