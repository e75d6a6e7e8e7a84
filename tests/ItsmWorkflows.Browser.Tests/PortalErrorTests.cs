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
}
