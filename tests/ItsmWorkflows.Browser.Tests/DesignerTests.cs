using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>The designer in Chromium against the real server: what a process owner does, without touching JSON.</summary>
public sealed class DesignerTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    /// <summary>Runs a browser scenario; on failure a screenshot is kept in TestResults/browser beside the error.</summary>
    internal static async Task WithScreenshotOnFailureAsync(IPage page, string name, Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DesignerFixture.ArtifactsFolder, name + ".png"), FullPage = true });
            throw;
        }
    }

    [Theory]
    [InlineData("request-fulfilment")]
    [InlineData("change-approval")]
    [InlineData("incident-escalation")]
    public async Task ShippedProcess_OpensWithEveryActivityAndConnection(string definitionId)
    {
        // The newest shipped version is the published one.
        var newest = Directory.GetFiles(Path.Combine(DesignerFixture.RepoRoot, "workflows", definitionId), "v*.json")
            .OrderByDescending(f => int.Parse(Path.GetFileNameWithoutExtension(f)[1..], System.Globalization.CultureInfo.InvariantCulture)).First();
        var file = JsonNode.Parse(await File.ReadAllTextAsync(newest, TestContext.Current.CancellationToken))!;
        var activities = file["root"]!["activities"]!.AsArray();
        var connections = file["root"]!["connections"]!.AsArray();
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        await WithScreenshotOnFailureAsync(page, "open-" + definitionId, async () =>
        {
            await page.GotoAsync($"/designer/#/definitions/{definitionId}");
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Published");
            // Every activity and connection is on the canvas (only those in view are drawn); the start is in view.
            await Expect(page.GetByTestId("canvas")).ToHaveAttributeAsync("data-nodes", activities.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(page.GetByTestId("canvas")).ToHaveAttributeAsync("data-edges", connections.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(page.GetByTestId("node-Start")).ToBeVisibleAsync();
            await Expect(page.Locator(".react-flow__edge").First).ToBeVisibleAsync();
            // A node shows the name the process owner gave it (the one after Start, so it is in view).
            var next = connections.First(c => c!["source"]!["activity"]!.GetValue<string>() == "Start")!["target"]!["activity"]!.GetValue<string>();
            var named = activities.First(a => a!["id"]!.GetValue<string>() == next)!;
            await Expect(page.GetByTestId("node-" + named["id"]!.GetValue<string>())).ToContainTextAsync(named["name"]!.GetValue<string>());
            await AssertEdgesMeetTheirPortsAsync(page, connections);
            // Zoomed in, part of the process is out of view and not drawn; "Fit View" shows all of it again.
            for (var i = 0; i < 5; i++) await page.GetByRole(AriaRole.Button, new() { Name = "Zoom In" }).ClickAsync();
            await page.WaitForFunctionAsync("n => document.querySelectorAll('.react-flow__node').length < n", activities.Count);
            await page.GetByRole(AriaRole.Button, new() { Name = "Fit View" }).ClickAsync();
            await Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(activities.Count);
        });
    }

    [Fact]
    public async Task ALargeWorkflow_OpensOnItsStart_DrawsOnlyWhatIsInView_AndFitViewShowsAllOfIt()
    {
        // 120 activities in a grid, chained: more than a screenful, so the designer opens on the top-left corner.
        var id = "large-" + Guid.NewGuid().ToString("N")[..8];
        var activities = new JsonArray();
        var connections = new JsonArray();
        for (var i = 0; i < 120; i++)
        {
            activities.Add(new JsonObject
            {
                ["id"] = $"A{i}", ["type"] = "Elsa.WriteLine", ["name"] = $"Step {i}",
                ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = i % 12 * 260, ["y"] = i / 12 * 150 } } },
            });
            if (i > 0) connections.Add(new JsonObject { ["source"] = new JsonObject { ["activity"] = $"A{i - 1}", ["port"] = "Done" }, ["target"] = new JsonObject { ["activity"] = $"A{i}", ["port"] = "In" } });
        }
        var definition = new JsonObject { ["definitionId"] = id, ["name"] = "Large", ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["id"] = "F", ["activities"] = activities, ["connections"] = connections } };
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        Assert.True((await context.APIRequest.PostAsync("/api/definitions", new() { Data = definition.ToJsonString(), Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" } })).Ok);
        await WithScreenshotOnFailureAsync(page, "large", async () =>
        {
            await page.GotoAsync($"/designer/#/definitions/{id}");
            await Expect(page.GetByTestId("canvas")).ToHaveAttributeAsync("data-nodes", "120");
            await Expect(page.GetByTestId("node-A0")).ToBeVisibleAsync();
            var drawn = await page.Locator(".react-flow__node").CountAsync();
            Assert.InRange(drawn, 1, 80);
            await AssertEdgesMeetTheirPortsAsync(page, connections);
            // React Flow's own fit would fit only the activities it has measured (those drawn so far).
            await page.GetByRole(AriaRole.Button, new() { Name = "Fit View" }).ClickAsync();
            await Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(120);
            await Expect(page.GetByTestId("node-A119")).ToBeInViewportAsync();
        });
    }

    /// <summary>A draft of one WriteLine activity, "Say", saying "one".</summary>
    private static async Task SayOneAsync(IBrowserContext context, string id, string name)
    {
        var created = await context.APIRequest.PostAsync("/api/definitions", new APIRequestContextOptions
        {
            DataObject = JsonSerializer.Deserialize<JsonElement>($$"""
                { "definitionId": "{{id}}", "name": "{{name}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                  { "id": "Say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } } } ], "connections": [] } }
                """),
        });
        Assert.True(created.Ok);
    }

    [Fact]
    public async Task LeavingWithUnsavedChanges_AsksFirst_AndStayingKeepsThem()
    {
        var id = "leave-" + Guid.NewGuid().ToString("N")[..8];
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        await SayOneAsync(context, id, "Leave me");
        await WithScreenshotOnFailureAsync(page, "leave-unsaved", async () =>
        {
            await page.GotoAsync($"/designer/#/definitions/{id}");
            await page.GetByTestId("node-Say").ClickAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Activity name", Exact = true }).FillAsync("Renamed, not saved");
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("unsaved");

            // Asked, and "Cancel": still in the editor, the edit still there (it was lost without a word).
            var asked = new List<string>();
            var stay = true;
            page.Dialog += async (_, dialog) =>
            {
                asked.Add(dialog.Message);
                if (stay) await dialog.DismissAsync(); else await dialog.AcceptAsync();
            };
            await page.GetByRole(AriaRole.Link, new() { Name = "All workflows" }).ClickAsync();
            await Expect(page.GetByTestId("node-Say")).ToContainTextAsync("Renamed, not saved");
            Assert.Contains("changes that are not saved", Assert.Single(asked), StringComparison.Ordinal);
            Assert.EndsWith($"#/definitions/{id}", page.Url, StringComparison.Ordinal);

            // Asked again, and "OK": the list.
            stay = false;
            await page.GetByRole(AriaRole.Link, new() { Name = "All workflows" }).ClickAsync();
            await Expect(page.GetByTestId("node-Say")).ToHaveCountAsync(0);
            Assert.Equal(2, asked.Count);
        });
    }

    /// <summary>
    /// The canvas declares each activity's size and port positions to React Flow instead of letting it measure them
    /// (geometry.ts), so that only what is in view is drawn. If the declared geometry drifted from the CSS, the
    /// connections would end beside their ports: each drawn connection must start at the right of its source port's
    /// handle and end at the left of its target's input handle, each activity must be drawn at its declared size, and
    /// its ports must stay at least 14 px apart.
    /// </summary>
    internal static async Task AssertEdgesMeetTheirPortsAsync(IPage page, JsonArray connections)
    {
        var edges = connections.Select((c, i) =>
        {
            var source = c!["source"]!["activity"]!.GetValue<string>();
            var port = c["source"]!["port"]?.GetValue<string>() ?? "Done";
            var target = c["target"]!["activity"]!.GetValue<string>();
            return new { id = $"e{i}-{source}-{port}-{target}", source, port, target };
        }).ToArray();
        var misses = await page.EvaluateAsync<string[]>("""
            (edges) => {
              const zoom = new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a;
              const misses = [];
              let checked = 0;
              const near = (a, b) => Math.abs(a.x - b.x) <= 1.5 * zoom && Math.abs(a.y - b.y) <= 1.5 * zoom;
              const screen = (path, at) => { const p = path.getPointAtLength(at); return new DOMPoint(p.x, p.y).matrixTransform(path.getScreenCTM()); };
              for (const e of edges) {
                const path = document.querySelector(`.react-flow__edge[data-id="${CSS.escape(e.id)}"] path.react-flow__edge-path`);
                if (!path) continue; // not in view, so not drawn
                const from = document.querySelector(`.react-flow__handle[data-nodeid="${CSS.escape(e.source)}"][data-handleid="${CSS.escape(e.port)}"]`)?.getBoundingClientRect();
                const to = document.querySelector(`.react-flow__handle[data-nodeid="${CSS.escape(e.target)}"][data-handleid="In"]`)?.getBoundingClientRect();
                if (!from || !to) continue;
                checked++;
                const start = screen(path, 0), end = screen(path, path.getTotalLength());
                if (!near(start, { x: from.right, y: from.top + from.height / 2 })) misses.push(`${e.id} starts at ${Math.round(start.x)},${Math.round(start.y)}, its port's handle ends at ${Math.round(from.right)},${Math.round(from.top + from.height / 2)}`);
                if (!near(end, { x: to.left, y: to.top + to.height / 2 })) misses.push(`${e.id} ends at ${Math.round(end.x)},${Math.round(end.y)}, its target's handle starts at ${Math.round(to.left)},${Math.round(to.top + to.height / 2)}`);
              }
              for (const node of document.querySelectorAll('.react-flow__node')) {
                const r = node.getBoundingClientRect();
                const declared = Number(node.querySelector('.activity-node')?.dataset.height);
                if (!(declared >= 90)) misses.push(`${node.dataset.id} declares no height of 90 or more`);
                if (Math.abs(r.width - 220 * zoom) > 1 || Math.abs(r.height - declared * zoom) > 1) misses.push(`${node.dataset.id} is drawn ${Math.round(r.width / zoom)} x ${Math.round(r.height / zoom)}, declared 220 x ${declared}`);
                // Ports down the right edge stay far enough apart to read and to grab (a switch with many cases grows taller).
                const ports = [...node.querySelectorAll('.react-flow__handle.source')].map(h => h.getBoundingClientRect().top / zoom).sort((a, b) => a - b);
                for (let i = 1; i < ports.length; i++) if (ports[i] - ports[i - 1] < 14) misses.push(`${node.dataset.id}'s ports are ${Math.round(ports[i] - ports[i - 1])} px apart`);
              }
              if (checked < 3) misses.push(`only ${checked} connections were drawn with both ends in view`);
              return misses;
            }
            """, edges);
        Assert.Empty(misses);
    }

    [Fact]
    public async Task BuildFromScratch_ByDragAndDrop_ValidateFixSavePublish()
    {
        var id = "hello-" + Guid.NewGuid().ToString("N")[..8];
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        await WithScreenshotOnFailureAsync(page, "build-from-scratch", async () =>
        {
            await page.GotoAsync("/designer/");
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync(id);
            await page.GetByRole(AriaRole.Button, new() { Name = "New workflow" }).ClickAsync();
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Draft");

            // Two activities from the toolbox, dropped on the canvas.
            var canvas = page.Locator(".react-flow__pane");
            await page.GetByTestId("tool-Elsa.WriteLine").DragToAsync(canvas, new() { TargetPosition = new() { X = 300, Y = 120 } });
            await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search activities" }).FillAsync("set name");
            await page.GetByTestId("tool-Elsa.SetName").DragToAsync(canvas, new() { TargetPosition = new() { X = 300, Y = 380 } });
            await Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(2);

            // Connect WriteLine's Done port (right edge) to SetName's input (left edge).
            await page.GetByTestId("port-WriteLine1-Done").DragToAsync(page.GetByTestId("node-SetName1").Locator(".react-flow__handle-left"));
            await Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(1);

            // The validator finds SetName's missing value; the problems list names it, and a click focuses it.
            await canvas.ClickAsync(new() { Position = new() { X = 40, Y = 40 } });
            await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
            await Expect(page.GetByTestId("issues")).ToContainTextAsync("needs a value for 'Name'");
            // Checked as it stands on the canvas; nothing was saved to check it (it used to save a draft first).
            await Expect(page.GetByTestId("message")).ToContainTextAsync("not saved yet");
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("unsaved");
            await page.GetByTestId("issues").GetByRole(AriaRole.Button).First.ClickAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("greeted");

            await page.GetByTestId("node-WriteLine1").ClickAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Text", Exact = true }).FillAsync("Hello from the designer");

            await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(page.GetByTestId("message")).ToContainTextAsync("Saved as draft");
            await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
            await Expect(page.GetByTestId("message")).ToContainTextAsync("No problems found");
            await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
            await Expect(page.GetByTestId("message")).ToContainTextAsync("is published");
        });

        // What the server stored: two activities, one connection on the Done port, the inputs, published.
        var stored = await (await context.APIRequest.GetAsync($"/api/definitions/{id}")).JsonAsync();
        var root = stored!.Value.GetProperty("definition").GetProperty("root");
        Assert.Equal("Published", stored.Value.GetProperty("version").GetProperty("state").GetString());
        Assert.Equal(2, root.GetProperty("activities").GetArrayLength());
        var connection = root.GetProperty("connections")[0];
        Assert.Equal("WriteLine1", connection.GetProperty("source").GetProperty("activity").GetString());
        Assert.Equal("Done", connection.GetProperty("source").GetProperty("port").GetString());
        Assert.Equal("SetName1", connection.GetProperty("target").GetProperty("activity").GetString());
        var text = root.GetProperty("activities").EnumerateArray().First(a => a.GetProperty("id").GetString() == "WriteLine1").GetProperty("text");
        Assert.Equal("Hello from the designer", text.GetProperty("expression").GetProperty("value").GetString());
    }

    [Fact]
    public async Task SecondTab_SavingAStaleCopy_IsRefusedAndOffersReload()
    {
        var id = "tabs-" + Guid.NewGuid().ToString("N")[..8];
        var (context, first) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        await SayOneAsync(context, id, "Two tabs");
        var second = await context.NewPageAsync();
        await WithScreenshotOnFailureAsync(second, "two-tabs", async () =>
        {
            foreach (var page in new[] { first, second })
            {
                await page.GotoAsync($"/designer/#/definitions/{id}");
                await page.GetByTestId("node-Say").ClickAsync();
            }
            await first.GetByRole(AriaRole.Textbox, new() { Name = "Activity name", Exact = true }).FillAsync("First tab's name");
            await first.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(first.GetByTestId("message")).ToContainTextAsync("Saved as draft");

            await second.GetByRole(AriaRole.Textbox, new() { Name = "Activity name", Exact = true }).FillAsync("Second tab's name");
            await second.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(second.GetByTestId("message")).ToContainTextAsync("dave");
            await Expect(second.GetByRole(AriaRole.Button, new() { Name = "Reload (discards my changes)" })).ToBeVisibleAsync();
            await Expect(second.GetByTestId("node-Say")).ToContainTextAsync("Second tab's name"); // nothing lost on screen

            await second.GetByRole(AriaRole.Button, new() { Name = "Reload (discards my changes)" }).ClickAsync();
            await Expect(second.GetByTestId("node-Say")).ToContainTextAsync("First tab's name");
        });
    }
}

/// <summary>Two people on one draft: a refused save can merge my changes onto theirs.</summary>
public sealed class MergeTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task RefusedSave_MergesMyNewActivityOntoTheirRename_AndSavesBoth()
    {
        var id = "merge-" + Guid.NewGuid().ToString("N")[..8];
        var (context, first) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        var json = $$"""
            { "definitionId": "{{id}}", "name": "Merge", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } },
                "metadata": { "designer": { "position": { "x": 100, "y": 100 } } } } ], "connections": [] } }
            """;
        Assert.True((await context.APIRequest.PostAsync("/api/definitions", new() { Data = json, Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" } })).Ok);
        var second = await context.NewPageAsync();
        try
        {
            foreach (var page in new[] { first, second }) await page.GotoAsync($"/designer/#/definitions/{id}");
            await first.GetByTestId("node-Say").ClickAsync();
            await first.GetByRole(AriaRole.Textbox, new() { Name = "Activity name", Exact = true }).FillAsync("Renamed in the first tab");
            await first.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(first.GetByTestId("message")).ToContainTextAsync("Saved as draft");

            await second.GetByTestId("tool-Elsa.SetName").DragToAsync(second.Locator(".react-flow__pane"), new() { TargetPosition = new() { X = 420, Y = 320 } });
            await second.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await second.GetByRole(AriaRole.Button, new() { Name = "Merge my changes" }).ClickAsync();
            await Expect(second.GetByTestId("message")).ToContainTextAsync("Merged 1 of my changes");
            await Expect(second.GetByTestId("node-Say")).ToContainTextAsync("Renamed in the first tab");
            await Expect(second.GetByTestId("node-SetName1")).ToBeVisibleAsync();
            await second.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(second.GetByTestId("message")).ToContainTextAsync("Saved as draft");
        }
        catch
        {
            await second.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "merge.png"), FullPage = true });
            throw;
        }
        var stored = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/definitions/{id}")).TextAsync())!;
        var activities = stored["definition"]!["root"]!["activities"]!.AsArray();
        Assert.Equal(["Say", "SetName1"], activities.Select(a => a!["id"]!.GetValue<string>()).Order());
        Assert.Equal("Renamed in the first tab", activities.First(a => a!["id"]!.GetValue<string>() == "Say")!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefusedSave_OfTheSameActivity_MergesFieldByField_AndReportsOnlyAFieldBothChanged()
    {
        var id = "merge-fields-" + Guid.NewGuid().ToString("N")[..8];
        var (context, first) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        var json = $$"""
            { "definitionId": "{{id}}", "name": "Merge fields", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Say", "type": "Elsa.WriteLine", "name": "Say it", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } },
                "metadata": { "designer": { "position": { "x": 100, "y": 100 } } } } ], "connections": [] } }
            """;
        Assert.True((await context.APIRequest.PostAsync("/api/definitions", new() { Data = json, Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" } })).Ok);
        var second = await context.NewPageAsync();
        try
        {
            foreach (var page in new[] { first, second }) await page.GotoAsync($"/designer/#/definitions/{id}");
            // The first tab renames the activity; the second changes its text: one activity, two fields.
            await first.GetByTestId("node-Say").ClickAsync();
            await first.GetByRole(AriaRole.Textbox, new() { Name = "Activity name", Exact = true }).FillAsync("Renamed in the first tab");
            await first.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(first.GetByTestId("message")).ToContainTextAsync("Saved as draft");

            await second.GetByTestId("node-Say").ClickAsync();
            await second.GetByRole(AriaRole.Textbox, new() { Name = "Text", Exact = true }).FillAsync("two");
            await second.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await second.GetByRole(AriaRole.Button, new() { Name = "Merge my changes" }).ClickAsync();
            // Both kept: nothing reported as changed on both sides (it said "Say changed on both sides: theirs kept").
            await Expect(second.GetByTestId("message")).ToContainTextAsync("Merged 1 of my changes onto the latest version");
            await Expect(second.GetByTestId("node-Say")).ToContainTextAsync("Renamed in the first tab");
            await second.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(second.GetByTestId("message")).ToContainTextAsync("Saved as draft");
        }
        catch
        {
            await second.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "merge-fields.png"), FullPage = true });
            throw;
        }
        var stored = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/definitions/{id}")).TextAsync())!;
        var say = stored["definition"]!["root"]!["activities"]![0]!;
        Assert.Equal("Renamed in the first tab", say["name"]!.GetValue<string>());
        Assert.Equal("two", say["text"]!["expression"]!["value"]!.GetValue<string>());
    }
}

/// <summary>Versions in the designer: compare two on the canvas, roll back, variables, import and export.</summary>
public sealed class DesignerVersionTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task EditAfterPublish_ComparesOnTheCanvas_AndRollsBack()
    {
        var id = "versions-" + Guid.NewGuid().ToString("N")[..8];
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        var json = $$"""
            { "definitionId": "{{id}}", "name": "Versions", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } },
                "metadata": { "designer": { "position": { "x": 100, "y": 100 } } } } ], "connections": [] } }
            """;
        Assert.True((await context.APIRequest.PostAsync("/api/definitions/import?publish=true", new() { Data = json, Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" } })).Ok);
        try
        {
            await page.GotoAsync($"/designer/#/definitions/{id}");
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Published");
            // Editing the published version starts version 2 (a draft); add an activity and a variable.
            await page.GetByTestId("tool-Elsa.WriteLine").DragToAsync(page.Locator(".react-flow__pane"), new() { TargetPosition = new() { X = 420, Y = 300 } });
            await page.Locator(".react-flow__pane").ClickAsync(new() { Position = new() { X = 20, Y = 20 } });
            await page.GetByRole(AriaRole.Tab, new() { Name = "Variables & inputs" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Add variable" }).ClickAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Variable 1 name" }).FillAsync("ticketNumber");
            await page.GetByRole(AriaRole.Combobox, new() { Name = "Variable 1 type" }).SelectOptionAsync("String");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(page.GetByTestId("message")).ToContainTextAsync("Saved as draft version 2");

            await page.GetByRole(AriaRole.Tab, new() { Name = "Versions" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Compare v1 with v2" }).ClickAsync();
            await Expect(page.GetByTestId("comparison")).ToContainTextAsync("Comparing with v1");
            await Expect(page.GetByTestId("node-WriteLine1")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("diff-added"));
            await Expect(page.GetByTestId("node-Say")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("diff-"));
            // The bar lists what changed; an added activity is a button that selects it.
            await Expect(page.GetByTestId("comparison")).ToContainTextAsync("added WriteLine1");
            await Expect(page.GetByTestId("comparison")).ToContainTextAsync("workflow: variables");
            await page.GetByTestId("comparison").GetByRole(AriaRole.Button, new() { Name = "WriteLine1" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Activity name" })).ToHaveValueAsync("");
            await Expect(page.GetByTestId("node-WriteLine1")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("selected"));
            await page.Locator(".react-flow__pane").ClickAsync(new() { Position = new() { X = 20, Y = 20 } });
            await page.GetByRole(AriaRole.Tab, new() { Name = "Versions" }).ClickAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Roll back to v1" }).ClickAsync();
            await Expect(page.GetByTestId("canvas")).ToHaveAttributeAsync("data-nodes", "1");
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Draft");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "versions.png"), FullPage = true });
            throw;
        }
        var stored = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/definitions/{id}")).TextAsync())!;
        Assert.Single(stored["definition"]!["root"]!["activities"]!.AsArray());
        var v2 = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/definitions/{id}/versions/2")).TextAsync())!;
        Assert.Equal("ticketNumber", v2["definition"]!["variables"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("String", v2["definition"]!["variables"]![0]!["typeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task SwitchCases_AreEditedAsCases_AndBecomeItsPorts()
    {
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        await DesignerTests.WithScreenshotOnFailureAsync(page, "switch-cases", async () =>
        {
            await page.GotoAsync("/designer/#/definitions/change-approval");
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Published");
            await page.GetByTestId("node-ByType").ClickAsync();
            var ports = page.Locator("[data-testid^='port-ByType-']");
            await Expect(ports).ToHaveCountAsync(4); // Standard, Emergency, Normal and Default
            // Each case shows its label and its condition, as stored.
            await Expect(page.GetByLabel("Case 1 label")).ToHaveValueAsync("Standard");
            await Expect(page.GetByLabel("Case 3 condition", new() { Exact = true })).ToHaveValueAsync("getInput('ticket').type === 'normal'");
            // Editing a condition keeps every case (it had replaced them all with one empty text).
            await page.GetByLabel("Case 3 condition", new() { Exact = true }).FillAsync("getInput('ticket').type === 'normal' || getInput('ticket').type === ''");
            await Expect(ports).ToHaveCountAsync(4);
            // A label is its port's name.
            await page.GetByLabel("Case 3 label").FillAsync("Normal change");
            await Expect(page.GetByTestId("port-ByType-Normal change")).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("port-ByType-Normal")).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add case" }).ClickAsync();
            await Expect(ports).ToHaveCountAsync(5);
            await page.GetByRole(AriaRole.Button, new() { Name = "Remove case 4" }).ClickAsync();
            await Expect(ports).ToHaveCountAsync(4);
            // Back to the workflow's own panel without hunting for empty canvas.
            await page.GetByRole(AriaRole.Button, new() { Name = "← Workflow: problems, variables, versions" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Workflow" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task Import_OfAFileThatIsNotADefinition_SaysWhy()
    {
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        var path = Path.Combine(DesignerFixture.ArtifactsFolder, "not-a-definition-" + Guid.NewGuid().ToString("N")[..6] + ".json");
        await File.WriteAllTextAsync(path, "{ \"definitionId\": \"half", TestContext.Current.CancellationToken);
        await page.GotoAsync("/designer/");
        await page.GetByLabel("Import Elsa JSON").SetInputFilesAsync(path);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not imported");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid JSON");
        File.Delete(path);
    }

    [Fact]
    public async Task ExportThenImport_RoundTripsThroughTheBrowser()
    {
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        await page.GotoAsync("/designer/#/definitions/request-fulfilment");
        await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Published");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export" }).ClickAsync());
        var path = Path.Combine(DesignerFixture.ArtifactsFolder, "export-" + Guid.NewGuid().ToString("N")[..6] + ".json");
        await download.SaveAsAsync(path);
        var exported = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!;
        Assert.Equal("request-fulfilment", exported["definitionId"]!.GetValue<string>());

        // Imported under a new id, it appears in the list.
        exported["definitionId"] = "imported-" + Guid.NewGuid().ToString("N")[..6];
        exported["id"] = exported["definitionId"]!.GetValue<string>() + "-v1";
        await File.WriteAllTextAsync(path, exported.ToJsonString(), TestContext.Current.CancellationToken);
        await page.GotoAsync("/designer/");
        await page.GetByLabel("Import Elsa JSON").SetInputFilesAsync(path);
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = exported["definitionId"]!.GetValue<string>(), Exact = true })).ToBeVisibleAsync();
        File.Delete(path);
    }
}

/// <summary>The instance view: the path taken, where it waits, and the journal.</summary>
public sealed class InstanceViewTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task RunningInstance_ShowsThePathTaken_TheWait_AndTheJournal()
    {
        var id = "path-" + Guid.NewGuid().ToString("N")[..8];
        var eventName = "go-" + id;
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        var json = $$"""
            { "definitionId": "{{id}}", "name": "Path", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "hi" } } },
              { "id": "Wait", "type": "Elsa.Event", "name": "Wait for the go", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{eventName}}" } } },
              { "id": "After", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "went" } } } ],
              "connections": [
                { "source": { "activity": "Say", "port": "Done" }, "target": { "activity": "Wait", "port": "In" } },
                { "source": { "activity": "Wait", "port": "Done" }, "target": { "activity": "After", "port": "In" } } ] } }
            """;
        var jsonHeaders = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
        Assert.True((await context.APIRequest.PostAsync("/api/definitions/import?publish=true", new() { Data = json, Headers = jsonHeaders })).Ok);
        var started = JsonNode.Parse(await (await context.APIRequest.PostAsync("/api/instances", new() { DataObject = new { definitionId = id } })).TextAsync())!;
        var instanceId = started["instance"]!["id"]!.GetValue<string>();
        try
        {
            await page.GotoAsync($"/designer/#/instances/{instanceId}");
            await Expect(page.GetByTestId("instance-status")).ToHaveTextAsync("Suspended");
            await Expect(page.GetByTestId("node-Say")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-done"));
            await Expect(page.GetByTestId("node-Wait")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-waiting"));
            await Expect(page.GetByTestId("node-After")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-"));
            await Expect(page.GetByTestId("waiting-on")).ToContainTextAsync("Wait for the go");
            await Expect(page.GetByTestId("journal")).ToContainTextAsync("Say — Completed (Done)");
            await Expect(page.Locator(".react-flow__edge.taken")).ToHaveCountAsync(1);

            Assert.True((await context.APIRequest.PostAsync("/api/instances/events", new() { DataObject = new { name = eventName } })).Ok);
            await page.ReloadAsync();
            await Expect(page.GetByTestId("instance-status")).ToHaveTextAsync("Finished");
            await Expect(page.GetByTestId("node-After")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-done"));
            await Expect(page.Locator(".react-flow__edge.taken")).ToHaveCountAsync(2);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "instance-view.png"), FullPage = true });
            throw;
        }
    }
}

/// <summary>A test run from the designer: answer the approval, fast-forward the timer, watch the path.</summary>
public sealed class TestRunTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task Draft_TestRun_AnswersTheApproval_FastForwardsTheTimer_AndShowsThePath()
    {
        var id = "try-" + Guid.NewGuid().ToString("N")[..8];
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        var json = $$"""
            { "definitionId": "{{id}}", "name": "Try me", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Ask", "type": "Itsm.RequestApproval", "name": "Manager approves",
                "approvers": { "typeName": "String[]", "expression": { "type": "JavaScript", "value": "['carol']" } },
                "title": { "typeName": "String", "expression": { "type": "Literal", "value": "A laptop" } },
                "metadata": { "designer": { "position": { "x": 100, "y": 40 } } } },
              { "id": "Later", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "2.00:00:00" } },
                "metadata": { "designer": { "position": { "x": 100, "y": 220 } } } },
              { "id": "Done", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "done" } },
                "metadata": { "designer": { "position": { "x": 100, "y": 400 } } } } ],
              "connections": [
                { "source": { "activity": "Ask", "port": "Approved" }, "target": { "activity": "Later", "port": "In" } },
                { "source": { "activity": "Later", "port": "Done" }, "target": { "activity": "Done", "port": "In" } } ] } }
            """;
        Assert.True((await context.APIRequest.PostAsync("/api/definitions", new() { Data = json, Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" } })).Ok);
        try
        {
            await page.GotoAsync($"/designer/#/definitions/{id}");
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Draft");
            await page.GetByRole(AriaRole.Button, new() { Name = "Test run" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Start test run" }).ClickAsync();
            await Expect(page.GetByTestId("run-waits")).ToContainTextAsync("Manager approves");
            await Expect(page.GetByTestId("run-emails")).ToContainTextAsync("Approval request");
            await Expect(page.GetByTestId("node-Ask")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-waiting"));

            await page.GetByRole(AriaRole.Button, new() { Name = "Approve as carol" }).ClickAsync();
            await Expect(page.GetByTestId("run-waits")).ToContainTextAsync("Elsa.Delay");
            await Expect(page.GetByTestId("node-Ask")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-done"));

            await page.GetByRole(AriaRole.Button, new() { Name = "Next timer" }).ClickAsync();
            await Expect(page.GetByTestId("run-status")).ToContainTextAsync("Finished");
            await Expect(page.GetByTestId("node-Done")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-done"));
            await Expect(page.Locator(".react-flow__edge.taken")).ToHaveCountAsync(2);
            await Expect(page.GetByTestId("run-journal")).ToContainTextAsync("Manager approves — Completed (Approved)");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "test-run.png"), FullPage = true });
            throw;
        }
        // The real instance list knows nothing of it.
        var instances = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/instances?definitionId={id}")).TextAsync())!;
        Assert.Empty(instances["items"]!.AsArray());
    }
}

/// <summary>A shipped process test-runs on the input its tickets give it, copied from its latest instance.</summary>
public sealed class ShippedTestRunTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task ShippedProcess_TestRunsWithTheLatestInstancesInput_AndTouchesNoTicket()
    {
        var (alice, _) = await fixture.SignedInAsync("alice");
        await using (alice)
        {
            var raised = await alice.APIRequest.PostAsync("/api/requests", new() { DataObject = new { catalogItemId = "vpn-access", answers = new { reason = "Working from home" } } });
            Assert.True(raised.Ok, await raised.TextAsync());
        }
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var __ = context;
        await DesignerTests.WithScreenshotOnFailureAsync(page, "shipped-test-run", async () =>
        {
            await page.GotoAsync("/designer/#/definitions/request-fulfilment");
            await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Published");
            await page.GetByRole(AriaRole.Button, new() { Name = "Test run" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Use the latest instance's input" }).ClickAsync();
            await Expect(page.GetByLabel("Correlation id")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^REQ[0-9]{7}$"));
            var number = await page.GetByLabel("Correlation id").InputValueAsync();
            await Expect(page.GetByLabel("Workflow input")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Working from home"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Start test run" }).ClickAsync();
            // VPN access needs no approval: the run goes to its fulfilment task, no incident on the way.
            await Expect(page.GetByTestId("run-waits")).ToContainTextAsync("Fulfilment task");
            await Expect(page.GetByTestId("run-status")).Not.ToContainTextAsync("Faulted");
            // The real ticket did not move: the sandbox keeps its changes to itself.
            var ticket = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/tickets/{number}")).TextAsync())!;
            Assert.Single(ticket["tasks"]!.AsArray());
        });
    }
}

/// <summary>Scripts are checked by the server as they are typed; the error stands beside the input.</summary>
public sealed class ScriptCheckTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task JavaScriptSyntaxError_IsShownInline_AndGoesWhenFixed()
    {
        var id = "script-" + Guid.NewGuid().ToString("N")[..8];
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        var json = $$"""
            { "definitionId": "{{id}}", "name": "Script", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "hi" } } } ], "connections": [] } }
            """;
        Assert.True((await context.APIRequest.PostAsync("/api/definitions", new() { Data = json, Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" } })).Ok);
        try
        {
            await page.GotoAsync($"/designer/#/definitions/{id}");
            await page.GetByTestId("node-Say").ClickAsync();
            await page.GetByRole(AriaRole.Combobox, new() { Name = "Text expression type" }).SelectOptionAsync("JavaScript");
            // Scripts get a code editor: highlighted, with line numbers, and the server's syntax error marked in place.
            var editor = page.GetByTestId("code-text");
            await Expect(editor.Locator(".cm-content")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Text", Exact = true }).FillAsync("const greeting = 'hello ';\nreturn greeting + (");
            await Expect(page.GetByTestId("syntax-text")).ToContainTextAsync("JavaScript does not parse");
            await Expect(editor.Locator(".cm-lintRange-error")).ToHaveCountAsync(1);
            await Expect(editor.Locator(".cm-gutter-lint .cm-lint-marker-error")).ToHaveCountAsync(1);
            await Expect(editor.Locator(".cm-lineNumbers .cm-gutterElement").Filter(new() { HasText = "2" })).ToHaveCountAsync(1);
            Assert.True(await editor.Locator(".cm-line").Nth(0).Locator("span").CountAsync() > 0, "The script is not highlighted.");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Text", Exact = true }).FillAsync("'hello ' + getCorrelationId()");
            await Expect(page.GetByTestId("syntax-text")).ToHaveCountAsync(0);
            await Expect(editor.Locator(".cm-lintRange-error")).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(page.GetByTestId("message")).ToContainTextAsync("Saved as draft");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "script-check.png"), FullPage = true });
            throw;
        }
        var stored = JsonNode.Parse(await (await context.APIRequest.GetAsync($"/api/definitions/{id}")).TextAsync())!;
        var text = stored["definition"]!["root"]!["activities"]![0]!["text"]!["expression"]!;
        Assert.Equal("JavaScript", text["type"]!.GetValue<string>());
        Assert.Equal("'hello ' + getCorrelationId()", text["value"]!.GetValue<string>());
    }
}
