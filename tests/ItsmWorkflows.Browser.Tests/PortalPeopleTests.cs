using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>An administrator adds an agent with a password on the portal, who signs in with it; then switches her off.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task AnAdministratorAddsAnAgent_WhoSignsInWithHerPassword_ThenSwitchesHerOff()
    {
        var (context, page) = await fixture.SignedInAsync("erin");
        await using var _ = context;
        await DesignerTests.WithScreenshotOnFailureAsync(page, "people-admin", async () =>
        {
            await page.GotoAsync("/portal/");
            await page.GetByRole(AriaRole.Link, new() { Name = "People" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Add a person" }).ClickAsync();
            var form = page.GetByRole(AriaRole.Region, new() { Name = "Add a person" });
            await form.GetByLabel("User name", new() { Exact = true }).FillAsync("petra");
            await form.GetByLabel("Display name", new() { Exact = true }).FillAsync("Petra Agent");
            await form.GetByLabel("Password", new() { Exact = true }).FillAsync("petra's long passphrase");
            await form.GetByRole(AriaRole.Checkbox, new() { Name = "Agent", Exact = true }).CheckAsync();
            await form.GetByRole(AriaRole.Checkbox, new() { Name = "Service Desk", Exact = true }).CheckAsync();
            await form.GetByRole(AriaRole.Button, new() { Name = "Add person" }).ClickAsync();
            await Expect(page.GetByTestId("people-message")).ToHaveTextAsync("Petra Agent added.");
            var row = page.GetByTestId("people").GetByRole(AriaRole.Row).Filter(new() { HasText = "Petra Agent" });
            await Expect(row).ToContainTextAsync("Requester, Agent");
            await Expect(row).ToContainTextAsync("Service Desk");

            // Petra signs in with her password in a browser of her own, and works the queue.
            var petra = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseUrl });
            await using (petra)
            {
                var hers = await petra.NewPageAsync();
                await hers.GotoAsync("/signin");
                await hers.GetByLabel("User name", new() { Exact = true }).FillAsync("petra");
                await hers.GetByLabel("Password", new() { Exact = true }).FillAsync("petra's long passphrase");
                await hers.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
                await hers.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
                await hers.GotoAsync("/portal/");
                await Expect(hers.GetByRole(AriaRole.Link, new() { Name = "My queue" })).ToBeVisibleAsync();

                page.Dialog += (_, dialog) => dialog.AcceptAsync();
                await row.GetByRole(AriaRole.Button, new() { Name = "Edit Petra Agent" }).ClickAsync();
                await page.GetByRole(AriaRole.Button, new() { Name = "Switch off" }).ClickAsync();
                await Expect(page.GetByTestId("people-message")).ToHaveTextAsync("Petra Agent is switched off.");
                await Expect(row).ToContainTextAsync("Switched off");
                // Her password no longer signs her in (her open session ends at the next session check, within a minute).
                var again = await petra.APIRequest.PostAsync("/account/login", new() { DataObject = new { userName = "petra", password = "petra's long passphrase" } });
                Assert.Equal(401, again.Status);
            }
        });
    }
}
