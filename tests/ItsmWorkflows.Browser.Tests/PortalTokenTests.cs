using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>A person makes an API token on the portal, copies it once, a script calls with it, and she revokes it.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task APersonMakesAnApiToken_AScriptCallsAsHer_UntilSheRevokesIt()
    {
        var (context, page) = await fixture.SignedInAsync("nina");
        await using var _ = context;
        await DesignerTests.WithScreenshotOnFailureAsync(page, "api-tokens", async () =>
        {
            await page.GotoAsync("/portal/");
            await page.GetByRole(AriaRole.Link, new() { Name = "API tokens" }).ClickAsync();
            await page.GetByLabel("What it is for").FillAsync("Network monitoring");
            await page.GetByRole(AriaRole.Button, new() { Name = "Make token" }).ClickAsync();
            var shown = await page.GetByTestId("new-token").Locator("code").TextContentAsync();
            Assert.StartsWith("itsm_", shown, StringComparison.Ordinal);
            await Expect(page.GetByTestId("tokens")).ToContainTextAsync("Network monitoring");
            await Expect(page.GetByTestId("tokens")).Not.ToContainTextAsync(shown!); // listed by its first characters only

            // A script, with no cookie: it is Nina.
            await using var script = await fixture.PlaywrightDriver.APIRequest.NewContextAsync(new() { BaseURL = fixture.BaseUrl, ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + shown } });
            var me = await script.GetAsync("/account/me");
            Assert.Equal(200, me.Status);
            Assert.Contains("\"userName\":\"nina\"", await me.TextAsync(), StringComparison.Ordinal);

            await page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
            await Expect(page.GetByTestId("tokens")).ToContainTextAsync("revoked");
            Assert.Equal(401, (await script.GetAsync("/account/me")).Status);
        });
    }
}
