using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>
/// An automated accessibility audit (axe-core, WCAG 2.x A and AA rules) of the designer's and the portal's pages:
/// no serious or critical violation. It does not replace trying the pages with a keyboard and a screen reader;
/// it keeps what it can check from regressing.
/// </summary>
public sealed class AccessibilityTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    private static async Task AuditAsync(IPage page, string name)
    {
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        if (serious.Count > 0)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, $"a11y-{name}.png"), FullPage = true });
        }
        Assert.True(serious.Count == 0, $"{name}: " + string.Join("\n", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}")));
    }

    [Fact]
    public async Task DesignerPages_HaveNoSeriousViolations()
    {
        var (context, page) = await fixture.SignedInAsync("dave");
        await using var _ = context;
        await page.GotoAsync("/designer/");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Request fulfilment" }).First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await AuditAsync(page, "designer-list");
        await page.GotoAsync("/designer/#/definitions/change-approval");
        await Expect(page.GetByTestId("version-state")).ToContainTextAsync("Published", new() { Timeout = 20_000 });
        await page.GetByTestId("node-Start").ClickAsync();
        await AuditAsync(page, "designer-canvas");
    }

    [Fact]
    public async Task PortalPages_HaveNoSeriousViolations()
    {
        var (context, page) = await fixture.SignedInAsync("bob");
        await using var _ = context;
        await page.GotoAsync("/portal/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What do you need?" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await AuditAsync(page, "portal-catalog");
        var incident = await context.APIRequest.PostAsync("/api/incidents", new() { DataObject = new { title = "Printer jams", serviceId = "laptops", impact = 3, urgency = 3 } });
        Assert.True(incident.Ok, await incident.TextAsync());
        var number = System.Text.Json.Nodes.JsonNode.Parse(await incident.TextAsync())!["number"]!.GetValue<string>();
        await page.GotoAsync($"/portal/#/tickets/{number}");
        await Expect(page.GetByTestId("timeline")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await AuditAsync(page, "portal-ticket");
        foreach (var (hash, heading) in new[] { ("#/mine", "My work"), ("#/queue", "My queue"), ("#/approvals", "Approvals"), ("#/changes", "Change calendar"), ("#/changes/new", "Raise a change"), ("#/change-templates", "Standard change templates"), ("#/dashboard", "Dashboard") })
        {
            await page.GotoAsync($"/portal/{hash}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await AuditAsync(page, "portal-" + hash.Trim('#', '/').Replace('/', '-'));
        }
    }
}
