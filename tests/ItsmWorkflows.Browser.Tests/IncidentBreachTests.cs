using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>
/// An incident nobody takes, under a simulated clock: it breaches its response target and escalates to the next
/// tier, and the requester sees it happen on the page she left open, on a phone; the dashboard counts the breach.
/// </summary>
public sealed class IncidentBreachTests(SimulatedClockFixture fixture) : IClassFixture<SimulatedClockFixture>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patient = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToContainTextOptions PatientContains = new() { Timeout = 20_000 };

    private static async Task NoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{page.Url} scrolls sideways on a phone.");

    [Fact]
    public async Task AnIncidentNobodyTakes_BreachesItsResponseTarget_AndEscalates_BeforeTheRequestersEyes()
    {
        var (alice, page) = await fixture.SignedInAsync("alice", 390, 844);
        await using var _ = alice;
        string number;
        try
        {
            await page.GotoAsync("/portal/");
            await NoSidewaysScrollAsync(page);
            await page.GetByLabel("What is wrong? *").FillAsync("VPN drops every few minutes");
            await page.GetByLabel("Service *").SelectOptionAsync(new SelectOptionValue { Label = "Network and VPN" });
            await page.GetByLabel("How many people are affected?").SelectOptionAsync(new SelectOptionValue { Label = "Just me" });
            await page.GetByLabel("How urgent is it?").SelectOptionAsync(new SelectOptionValue { Label = "Work is hampered" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Report incident" }).ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("#/tickets/INC"));
            number = page.Url.Split("#/tickets/")[1];
            await fixture.SettleAsync();
            // Just me × hampered on a Gold service: P4, four hours to respond, with the Service Desk.
            await Expect(page.GetByTestId("sla-response")).ToContainTextAsync("running", PatientContains);
            await Expect(page.GetByTestId("sla-response")).ToContainTextAsync("of 4 h");
            await Expect(page.GetByTestId("ticket-assignment")).ToHaveTextAsync("Service Desk");
            await Expect(page.GetByTestId("expected")).ToContainTextAsync("Expected by");
            // In her words, not the process owner's step names (it waits on three staff actions at once).
            await Expect(page.GetByTestId("waiting-on")).ToHaveTextAsync("Waiting on: Service Desk to take it");
            await Expect(page.GetByTestId("process-current")).ToHaveTextAsync("Service Desk to take it", Patient);
            await Expect(page.GetByTestId("live-status")).ToHaveTextAsync("● live", Patient);
            await NoSidewaysScrollAsync(page);

            await fixture.AdvanceAsync(TimeSpan.FromHours(4) - TimeSpan.FromMinutes(1));
            await Expect(page.GetByTestId("sla-response")).ToContainTextAsync("running", PatientContains);
            await Expect(page.GetByTestId("ticket-assignment")).ToHaveTextAsync("Service Desk");

            // The minute the target passes, the open page shows the breach and the next tier, without a reload.
            await fixture.AdvanceAsync(TimeSpan.FromMinutes(1));
            await Expect(page.GetByTestId("sla-response")).ToContainTextAsync("breached", PatientContains);
            await Expect(page.GetByTestId("ticket-assignment")).ToHaveTextAsync("Network", Patient);
            await Expect(page.GetByTestId("sla-bar-response").Locator("[data-state=breached]")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
            await Expect(page.GetByTestId("timeline")).ToContainTextAsync("response target breached", PatientContains);
            await Expect(page.GetByTestId("timeline")).ToContainTextAsync($"Email “Escalated: incident {number}", PatientContains);
            await NoSidewaysScrollAsync(page);
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "incident-breached-phone.png"), FullPage = true });
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "incident-breach.png"), FullPage = true });
            throw;
        }

        // The requester's list of her work says where it is and that its SLA is breached.
        await page.GotoAsync("/portal/#/mine");
        await Expect(page.GetByTestId($"sla-state-{number}")).ToHaveTextAsync("breached", Patient);
        // In her words (who has it), not the process's step names ("Wait for someone to take it, Wait for …").
        await Expect(page.GetByTestId($"now-at-{number}")).ToContainTextAsync("to take it", PatientContains);
        await Expect(page.GetByTestId($"now-at-{number}")).Not.ToContainTextAsync("Wait for");
        await NoSidewaysScrollAsync(page);

        // The next tier sees it in their queue, marked breached, and one of them takes it by reassigning it to herself.
        var (nina, queue) = await fixture.SignedInAsync("nina");
        await using (nina)
        {
            try
            {
                await queue.GotoAsync("/portal/#/queue");
                var incidents = queue.Locator("section", new() { HasText = "Incidents for Network" });
                await Expect(incidents.GetByTestId($"sla-state-{number}")).ToHaveTextAsync("breached", Patient);
                await incidents.GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
                var reassign = queue.GetByRole(AriaRole.Form, new() { Name = "Reassign" });
                await reassign.GetByLabel("Person").SelectOptionAsync(new SelectOptionValue { Label = "Nina Network" }); // people by the names people know them by
                await reassign.GetByRole(AriaRole.Button, new() { Name = "Reassign" }).ClickAsync();
                await Expect(queue.GetByTestId("ticket-assignment")).ToHaveTextAsync("Network · Nina Network", Patient);
                await Expect(queue.GetByTestId("timeline")).ToContainTextAsync("Assigned to Nina Network", PatientContains);
            }
            catch
            {
                await queue.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "incident-reassign.png"), FullPage = true });
                throw;
            }
        }

        // The service owner's dashboard counts it: one response clock breached on Network and VPN, none met.
        var (dave, dashboard) = await fixture.SignedInAsync("dave");
        await using (dave)
        {
            try
            {
                await dashboard.GotoAsync("/portal/#/dashboard");
                await Expect(dashboard.GetByTestId("attainment-all")).ToHaveTextAsync("0 % met · 1 breached", Patient);
                await Expect(dashboard.GetByTestId("chart-sla-network").Locator("[data-kind=breached]")).ToHaveCountAsync(1);
                await Expect(dashboard.GetByTestId("chart-open-work")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("Network 1"));
                await dashboard.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "dashboard.png"), FullPage = true });
            }
            catch
            {
                await dashboard.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "dashboard-failed.png"), FullPage = true });
                throw;
            }
        }
    }
}
