using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>The portal says what went wrong where it went wrong, and a visitor who is not signed in is sent to sign in.</summary>
public sealed class PortalErrorTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    [Fact]
    public async Task AnIncidentTheServerRefuses_SaysWhy_UnderTheIncidentForm()
    {
        var (alice, page) = await fixture.SignedInAsync("alice");
        await using var _ = alice;
        await page.GotoAsync("/portal/");
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Report an incident" });
        // Spaces pass the browser's "required"; the server refuses a title with nothing in it.
        await form.GetByLabel("What is wrong? *").FillAsync("   ");
        await form.GetByLabel("Service *").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await form.GetByRole(AriaRole.Button, new() { Name = "Report incident" }).ClickAsync();
        await Expect(form.GetByRole(AriaRole.Alert)).ToContainTextAsync("title");
        Assert.DoesNotContain("#/tickets/", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedOut_ThePortalSendsYouToSignIn_AndSignOutDoesSo()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseUrl });
        await using (context)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/portal/");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        }

        var (alice, signedIn) = await fixture.SignedInAsync("alice");
        await using var _ = alice;
        await signedIn.GotoAsync("/portal/#/mine");
        await signedIn.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await signedIn.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        var me = await alice.APIRequest.GetAsync("/account/me");
        Assert.Equal(401, me.Status);
    }

    [Fact]
    public async Task TheReassignForm_TriesTheGroupsAgainOnce_ThenSaysItCouldNotLoadThem_AndOffersToTryAgain()
    {
        var task = await PortalTickets.VpnTaskAsync(fixture);
        var (bob, page) = await fixture.SignedInAsync("bob");
        await using var _ = bob;
        try
        {
            // The server is busy for a moment: the first answer fails, the form asks again by itself.
            var calls = 0;
            await page.RouteAsync("**/api/groups", async route =>
            {
                if (Interlocked.Increment(ref calls) == 1) await route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json", Body = """{"title":"Service Unavailable","detail":"The server is busy."}""" });
                else await route.ContinueAsync();
            });
            await page.GotoAsync($"/portal/#/tickets/{task}");
            var reassign = page.GetByRole(AriaRole.Form, new() { Name = "Reassign" });
            await reassign.GetByLabel("Person").SelectOptionAsync("nina");
            await Expect(reassign.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
            Assert.Equal(2, calls);

            // Down for longer: after the second failure it says so, where the groups are missing, and loads them when asked.
            await page.UnrouteAsync("**/api/groups");
            await page.RouteAsync("**/api/groups", route => route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json", Body = """{"title":"Service Unavailable","detail":"The server is busy."}""" }));
            await page.ReloadAsync();
            await Expect(reassign.GetByRole(AriaRole.Alert)).ToContainTextAsync("The groups could not be loaded, so there is nobody to pick: The server is busy.", new() { Timeout = 10_000 });
            await page.UnrouteAsync("**/api/groups");
            await reassign.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
            await reassign.GetByLabel("Person").SelectOptionAsync("nina");
            await Expect(reassign.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "reassign-groups.png"), FullPage = true });
            throw;
        }
    }
}
