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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AStrayDraftTheOldImportLeft_IsRemoved_UnlessSomebodyWorkedOnIt(bool edited)
    {
        var id = "shipped-" + Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateDirectory(Path.Combine(fixture.WorkflowsFolder, id)).FullName;
        var one = Definition(id, "one");
        var two = Definition(id, "two");
        // What the import before 2026-11-28 did on a new database, then on the next start.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var definitions = scope.ServiceProvider.GetRequiredService<DefinitionService>();
            await definitions.ImportAsync("v1.json", one, asNewVersion: true, publish: false, "system", Ct);
            await definitions.ImportAsync("v2.json", two, asNewVersion: true, publish: true, "system", Ct);
            await definitions.ImportAsync("v1.json", one, asNewVersion: true, publish: false, "system", Ct);
            if (edited)
            {
                var draft = await definitions.FindAsync(id, 2, Ct);
                await definitions.SaveDraftAsync(id, System.Text.Json.Nodes.JsonNode.Parse(Definition(id, "one, improved"))!, draft.Revision, "dave", Ct);
            }
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "v1.json"), one, Ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "v2.json"), two, Ct);
        await ImportAsync();

        var client = await fixture.ClientAsync("dave");
        var versions = (await OkAsync(await client.GetAsync($"/api/definitions/{id}/versions", Ct))).AsArray();
        if (edited)
        {
            Assert.Equal(["Draft", "Published"], versions.Select(v => v!["state"]!.GetValue<string>()));
            return;
        }
        var published = Assert.Single(versions)!;
        Assert.Equal("Published", published["state"]!.GetValue<string>());
        var latest = await OkAsync(await client.GetAsync($"/api/definitions/{id}", Ct));
        Assert.Contains("two", latest.ToJsonString(), StringComparison.Ordinal);
    }
}
