using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>A tracking page misses nothing that commits while its live connection is still being set up.</summary>
public sealed class LiveTrackingTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task AChange_BetweenTheFirstReadAndTheWatch_ShowsOnceWatching()
    {
        var (alice, page) = await fixture.SignedInAsync("alice");
        await using var _ = alice;
        var created = await alice.APIRequest.PostAsync("/api/requests", new() { DataObject = new { catalogItemId = "vpn-access", answers = new { reason = "Working from home" } } });
        Assert.True(created.Ok, $"Raising the request failed: {created.Status} {await created.TextAsync()}");
        var number = System.Text.Json.Nodes.JsonNode.Parse(await created.TextAsync())!["number"]!.GetValue<string>();

        // Hold the live connection's negotiation until the ticket has changed behind the page's back.
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/hubs/live/negotiate**", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        try
        {
            await page.GotoAsync($"/portal/#/tickets/{number}");
            await Expect(page.GetByTestId("ticket-status")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("live-status")).ToHaveTextAsync("○ connecting");
            var note = await alice.APIRequest.PostAsync($"/api/tickets/{number}/notes", new() { DataObject = new { text = "Added while the page was connecting" } });
            Assert.True(note.Ok, $"Adding the note failed: {note.Status} {await note.TextAsync()}");
            await Expect(page.GetByTestId("timeline")).Not.ToContainTextAsync("Added while the page was connecting");

            release.SetResult();
            await Expect(page.GetByTestId("live-status")).ToHaveTextAsync("● live", new() { Timeout = 15_000 });
            // The fallback poll is a minute away: only the re-read after watching can show it this soon.
            await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Added while the page was connecting", new() { Timeout = 10_000 });
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            release.TrySetResult();
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "live-tracking.png"), FullPage = true });
            throw await fixture.ExplainAsync(ex, page, $"/api/tickets/{number}");
        }
    }
}
