using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>The portal on the embedded default: a newcomer's request from the catalog to fulfilled, in Chromium.</summary>
public sealed class PortalTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task LaptopRequest_OrderedApprovedWorked_AndSeenFulfilled_WithTheTimeline()
    {
        var (alice, page) = await fixture.SignedInAsync("alice");
        await using var _ = alice;
        string number;
        try
        {
            // The requester orders from the catalog; the form is the item's.
            await page.GotoAsync("/portal/");
            await page.GetByRole(AriaRole.Button, new() { Name = "New laptop" }).ClickAsync();
            // An empty required field keeps the form where it is.
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();
            await Expect(page.GetByLabel("Model *")).ToHaveJSPropertyAsync("validity.valueMissing", true);
            Assert.DoesNotContain("#/tickets/", page.Url, StringComparison.Ordinal);
            await page.GetByLabel("Model *").SelectOptionAsync("MacBook Air 13\"");
            await page.GetByLabel("Why do you need it? *").FillAsync("Travelling to customers");
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("#/tickets/REQ"));
            number = page.Url.Split("#/tickets/")[1];
            await Expect(page.GetByTestId("ticket-status")).ToHaveTextAsync("Awaiting approval", Patient);
            await Expect(page.GetByTestId("waiting-on")).ToContainTextAsync("Approve the request");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "portal-request.png"), FullPage = true });
            throw;
        }

        // Her manager approves from the approvals inbox, with a comment.
        var (carol, approver) = await fixture.SignedInAsync("carol");
        await using (carol)
        {
            await approver.GotoAsync("/portal/#/approvals");
            var card = approver.GetByRole(AriaRole.Article, new() { Name = $"New laptop for Alice Requester ({number})" });
            await card.GetByRole(AriaRole.Textbox).FillAsync("Enjoy the trips");
            await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(approver.GetByTestId("approval-message")).ToContainTextAsync("You approved");
        }

        // The agents find the tasks in their queues and close them.
        foreach (var (agent, group) in new[] { ("frank", "Desktop Support"), ("bob", "Service Desk") })
        {
            var (agentContext, queue) = await fixture.SignedInAsync(agent);
            await using (agentContext)
            {
                await queue.GotoAsync("/portal/#/queue");
                var section = queue.Locator("section", new() { HasText = $"Tasks for {group}" });
                await Expect(section.GetByRole(AriaRole.Link).First).ToBeVisibleAsync(new() { Timeout = 20_000 });
                await section.GetByRole(AriaRole.Link).First.ClickAsync();
                await queue.GetByRole(AriaRole.Button, new() { Name = "Close complete" }).ClickAsync();
                await Expect(queue.GetByTestId("ticket-status")).ToHaveTextAsync("Closed Complete", Patient);
            }
        }

        await page.ReloadAsync();
        await Expect(page.GetByTestId("ticket-status")).ToHaveTextAsync("Fulfilled", Patient);
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Awaiting approval → In fulfilment: Approved by carol");
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("In fulfilment → Fulfilled");
        // The same timeline shows who was asked, the decision with its channel and comment, and the emails.
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Approved by carol (web): “Enjoy the trips”");
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync($"Email “Your request {number} is fulfilled” to");

        // Another requester sees neither the ticket nor a queue.
        var (kate, other) = await fixture.SignedInAsync("kate");
        await using (kate)
        {
            await other.GotoAsync($"/portal/#/tickets/{number}");
            await Expect(other.GetByRole(AriaRole.Alert)).ToContainTextAsync($"There is no ticket {number}");
            await Expect(other.GetByRole(AriaRole.Link, new() { Name = "My queue" })).ToHaveCountAsync(0);
        }
    }
}
