using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>An approver going away names a delegate on the approvals page; what already waits on her is the delegate's to decide.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task AnApproverNamesADelegate_WhoFindsTheWaitingApprovalInTheirInbox()
    {
        string? number = null;
        var (kate, requester) = await fixture.SignedInAsync("kate");
        await using (kate)
        {
            await requester.GotoAsync("/portal/");
            await requester.GetByRole(AriaRole.Button, new() { Name = "New laptop" }).ClickAsync();
            await requester.GetByLabel("Model *").SelectOptionAsync("MacBook Air 13\"");
            await requester.GetByLabel("Why do you need it? *").FillAsync("My old one is failing");
            await requester.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();
            await requester.WaitForURLAsync(new System.Text.RegularExpressions.Regex("#/tickets/REQ"));
            number = requester.Url.Split("#/tickets/")[1];
            await Expect(requester.GetByTestId("waiting-on")).ToContainTextAsync("Approve the request by Carol Manager", new() { Timeout = 20_000 });
        }

        var (carol, approver) = await fixture.SignedInAsync("carol");
        await using (carol)
        {
            try
            {
                await approver.GotoAsync("/portal/#/approvals");
                await Expect(approver.GetByRole(AriaRole.Article, new() { Name = $"New laptop for Kate Sales ({number})" })).ToBeVisibleAsync();
                var form = approver.GetByRole(AriaRole.Form, new() { Name = "Delegate" });
                await form.GetByRole(AriaRole.Combobox).SelectOptionAsync(new SelectOptionValue { Label = "Nina Network" });
                await form.GetByRole(AriaRole.Button, new() { Name = "Name delegate" }).ClickAsync();
                await Expect(approver.GetByTestId("delegate-message")).ToHaveTextAsync("Nina Network now decides your approvals, those already waiting included, until you clear this.", Patient);

                // Nina, who was not asked when the request came in, finds it in her inbox, on Carol's behalf.
                var (nina, delegatePage) = await fixture.SignedInAsync("nina");
                await using (nina)
                {
                    await delegatePage.GotoAsync("/portal/#/approvals");
                    var card = delegatePage.GetByRole(AriaRole.Article, new() { Name = $"New laptop for Kate Sales ({number})" });
                    await Expect(card).ToContainTextAsync("You decide on behalf of Carol Manager", new() { Timeout = 20_000 });
                }

                // Back: Carol clears it; the form says so and offers no one.
                await approver.ReloadAsync();
                await Expect(form.GetByRole(AriaRole.Combobox)).ToHaveValueAsync("nina", new() { Timeout = 20_000 });
                await form.GetByRole(AriaRole.Combobox).SelectOptionAsync("");
                await form.GetByRole(AriaRole.Button, new() { Name = "Clear delegate" }).ClickAsync();
                await Expect(approver.GetByTestId("delegate-message")).ToContainTextAsync("You decide your approvals again", new() { Timeout = 20_000 });
            }
            catch (Exception ex) when (ex is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
            {
                await approver.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "portal-delegate.png"), FullPage = true });
                throw await fixture.ExplainAsync(ex, approver, number is null ? null : $"/api/tickets/{number}");
            }
        }
    }
}
