using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>Finding a ticket from the portal's Search page, as an agent and as the requester, in Chromium.</summary>
public sealed class PortalSearchTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task AnAgentFindsAnIncidentByWordsFromIt_WithWhoRaisedIt_AndTheSearchStaysInTheAddress()
    {
        var tag = "qx" + Guid.NewGuid().ToString("N")[..6];
        string number;
        var (alice, requesterPage) = await fixture.SignedInAsync("alice");
        await using (alice)
        {
            var raised = await alice.APIRequest.PostAsync("/api/incidents", new() { DataObject = new { title = $"Projector in room 4 flickers {tag}", description = "Started after the firmware update", serviceId = "network", impact = 3, urgency = 3 } });
            Assert.True(raised.Ok, await raised.TextAsync());
            number = JsonNode.Parse(await raised.TextAsync())!["number"]!.GetValue<string>();

            // The requester searches what she raised.
            await requesterPage.GotoAsync("/portal/#/search");
            await requesterPage.GetByLabel("Search tickets", new() { Exact = true }).FillAsync($"FIRMWARE {tag}");
            await requesterPage.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
            await Expect(requesterPage.GetByRole(AriaRole.Link, new() { Name = number })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        }

        var (bob, page) = await fixture.SignedInAsync("bob");
        await using (bob)
        {
            try
            {
                await page.GotoAsync("/portal/");
                await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
                await page.GetByLabel("Search tickets", new() { Exact = true }).FillAsync($"projector {tag}");
                await page.GetByLabel("Kind").SelectOptionAsync("Incident");
                await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();

                var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = number }) });
                await Expect(row).ToContainTextAsync("Alice Requester", new() { Timeout = 20_000 }); // who raised it, by name
                await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("1 ticket");
                Assert.Contains($"q=projector+{tag}", page.Url, StringComparison.Ordinal);

                // Reloading the address brings the same search back.
                await page.ReloadAsync();
                await Expect(page.GetByLabel("Search tickets", new() { Exact = true })).ToHaveValueAsync($"projector {tag}");
                await Expect(page.GetByRole(AriaRole.Link, new() { Name = number })).ToBeVisibleAsync(new() { Timeout = 20_000 });

                // Words that are nowhere say so.
                await page.GetByLabel("Search tickets", new() { Exact = true }).FillAsync($"projector {tag} elephant");
                await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
                await Expect(page.GetByText("Nothing matches. Try fewer words, or part of a word.")).ToBeVisibleAsync(new() { Timeout = 20_000 });
            }
            catch
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "portal-search.png"), FullPage = true });
                throw;
            }
        }
    }
}
