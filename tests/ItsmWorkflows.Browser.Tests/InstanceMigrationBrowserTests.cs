using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>A process owner moves running instances of an older version to the published one, from the designer.</summary>
public sealed class InstanceMigrationBrowserTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    private static string Version(string id, bool withSecond) => $$"""
        { "definitionId": "{{id}}", "name": "Moves", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Approve", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "go-{{id}}" } },
            "metadata": { "designer": { "position": { "x": 100, "y": 100 } } } },
          {{(withSecond ? $$"""{ "id": "Second", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "second-{{id}}" } }, "metadata": { "designer": { "position": { "x": 400, "y": 100 } } } },""" : "")}}
          { "id": "After", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "{{(withSecond ? "v1" : "v2")}}" } },
            "metadata": { "designer": { "position": { "x": 700, "y": 100 } } } } ],
          "connections": [ {{(withSecond
              ? """{ "source": { "activity": "Approve", "port": "Done" }, "target": { "activity": "Second", "port": "In" } }, { "source": { "activity": "Second", "port": "Done" }, "target": { "activity": "After", "port": "In" } }"""
              : """{ "source": { "activity": "Approve", "port": "Done" }, "target": { "activity": "After", "port": "In" } }""")}} ] } }
        """;

    [Fact]
    public async Task VersionsTab_ChecksThenMovesTheRunningInstances_AndTheInstanceViewExplainsARefusal()
    {
        var id = "moves-" + Guid.NewGuid().ToString("N")[..8];
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        var json = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
        Assert.True((await context.APIRequest.PostAsync("/api/definitions/import?publish=true", new() { Data = Version(id, withSecond: true), Headers = json })).Ok);
        async Task<string> StartAsync(string correlationId) =>
            JsonNode.Parse(await (await context.APIRequest.PostAsync("/api/instances", new() { DataObject = new { definitionId = id, correlationId } })).TextAsync())!["instance"]!["id"]!.GetValue<string>();
        var inApprove = await StartAsync("A");
        var inSecond = await StartAsync("B");
        Assert.True((await context.APIRequest.PostAsync("/api/instances/events", new() { DataObject = new { name = "go-" + id, correlationId = "B" } })).Ok);
        Assert.True((await context.APIRequest.PostAsync("/api/definitions/import?publish=true&asNewVersion=true", new() { Data = Version(id, withSecond: false), Headers = json })).Ok);
        try
        {
            await page.GotoAsync($"/designer/#/definitions/{id}");
            await page.GetByRole(AriaRole.Tab, new() { Name = "Versions" }).ClickAsync();
            await Expect(page.GetByTestId("running-v1")).ToHaveTextAsync("2 running");
            await page.GetByRole(AriaRole.Button, new() { Name = "Move running instances to v2…" }).ClickAsync();
            var report = page.GetByTestId("move-report");
            await Expect(report).ToContainTextAsync("2 running on v1: 1 can move to v2, 1 cannot. Nothing has changed yet.");
            await Expect(report).ToContainTextAsync("has no activity 'Second'");
            await page.GetByRole(AriaRole.Button, new() { Name = "Move 1 instance to v2" }).ClickAsync();
            await Expect(report).ToContainTextAsync("Moved 1 of 2 to v2; 1 stay on v1.");

            await page.GotoAsync($"/designer/#/instances/{inApprove}");
            await Expect(page.GetByTestId("journal")).ToContainTextAsync("Moved from version 1 to version 2 by dave.");
            await Expect(page.Locator(".toolbar .hint")).ToContainTextAsync("v2");

            await page.GotoAsync($"/designer/#/instances/{inSecond}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Move to v2…" }).ClickAsync();
            await Expect(page.GetByTestId("move-check")).ToContainTextAsync("Cannot move to v2:");
            await Expect(page.GetByTestId("move-check")).ToContainTextAsync("has no activity 'Second'");
            // A rename is checked too: Second cannot become Approve, which version 1 also has.
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Renamed activities" }).FillAsync("Second = Approve");
            await page.GetByRole(AriaRole.Button, new() { Name = "Check again" }).ClickAsync();
            await Expect(page.GetByTestId("move-check")).ToContainTextAsync("two activities would become one");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "instance-migration.png"), FullPage = true });
            throw;
        }
        var moved = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/instances/{inApprove}")).TextAsync())!;
        Assert.Equal(2, moved["instance"]!["version"]!.GetValue<int>());
        var stayed = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/instances/{inSecond}")).TextAsync())!;
        Assert.Equal(1, stayed["instance"]!["version"]!.GetValue<int>());
    }
}
