using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>The standard change catalog page: a process owner authorizes routine work; an edit on an old copy is refused and can be redone; agents only read.</summary>
public sealed class ChangeTemplatesPageTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    private static readonly string[] Crm = ["crm"];

    [Fact]
    public async Task AProcessOwnerAddsATemplate_AStaleEditIsRefusedAndRedone_AndAgentsOnlyReadIt()
    {
        var (owner, page) = await fixture.SignedInAsync("dave");
        await using var _ = owner;
        var id = "tpl-" + Guid.NewGuid().ToString("N")[..6];
        await DesignerTests.WithScreenshotOnFailureAsync(page, "change-templates", async () =>
        {
            await page.GotoAsync("/portal/#/change-templates");
            await Expect(page.GetByTestId("change-templates")).ToContainTextAsync("Network device firmware update");
            await page.GetByRole(AriaRole.Button, new() { Name = "New template" }).ClickAsync();
            var form = page.GetByRole(AriaRole.Form, new() { Name = "New template" });
            await form.GetByLabel("Id *").FillAsync(id);
            await form.GetByLabel("Name *").FillAsync("Restart a CRM web node " + id);
            await form.GetByLabel("Sales CRM").CheckAsync();
            await form.GetByLabel("Done by").SelectOptionAsync("Desktop Support");
            await form.GetByLabel("Implementation plan *").FillAsync("Drain the node at the load balancer, restart it, add it back");
            await form.GetByLabel("Back-out plan *").FillAsync("Leave the node drained");
            await form.GetByLabel("Longest window", new() { Exact = false }).FillAsync("0.5");
            await form.GetByRole(AriaRole.Button, new() { Name = "Save template" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("(revision 1)");
            var row = page.GetByTestId("change-templates").GetByRole(AriaRole.Row).Filter(new() { HasText = id });
            await Expect(row).ToContainTextAsync("Sales CRM");
            await Expect(row).ToContainTextAsync("30 minutes");

            // Someone else saves first: this edit is refused, not lost in silence, and is redone on theirs.
            await row.GetByRole(AriaRole.Button).ClickAsync();
            var edit = page.GetByRole(AriaRole.Form, new() { Name = "Edit Restart a CRM web node " + id });
            await edit.GetByLabel("Back-out plan *").FillAsync("Leave the node drained and open an incident");
            var theirs = await owner.APIRequest.PutAsync($"/api/change-templates/{id}", new()
            {
                DataObject = new { name = "Restart a CRM web node " + id, services = Crm, implementationPlan = "Drain, restart, add back", backoutPlan = "Leave it drained", maxDuration = "00:30:00", revision = 1 },
            });
            Assert.True(theirs.Ok, await theirs.TextAsync());
            await edit.GetByRole(AriaRole.Button, new() { Name = "Save template" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("was changed by dave since you opened it (now revision 2)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Reload it" }).ClickAsync();
            await Expect(edit.GetByLabel("Implementation plan *")).ToHaveValueAsync("Drain, restart, add back");
            await edit.GetByLabel("Back-out plan *").FillAsync("Leave the node drained and open an incident");
            await edit.GetByLabel("In use", new() { Exact = false }).UncheckAsync(); // and retire it
            await edit.GetByRole(AriaRole.Button, new() { Name = "Save template" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("(revision 3)");
            await Expect(page.GetByTestId("change-templates")).Not.ToContainTextAsync(id);
            await page.GetByLabel("Show retired templates").CheckAsync();
            await Expect(page.GetByTestId("change-templates").GetByRole(AriaRole.Row).Filter(new() { HasText = id })).ToContainTextAsync("retired");
        });

        var (agent, agentPage) = await fixture.SignedInAsync("nina");
        await using var __ = agent;
        await agentPage.GotoAsync("/portal/#/change-templates");
        await Expect(agentPage.GetByTestId("change-templates")).ToContainTextAsync("Rotate the Wi-Fi pre-shared key");
        await Expect(agentPage.GetByRole(AriaRole.Button, new() { Name = "New template" })).ToHaveCountAsync(0);
        await Expect(agentPage.GetByRole(AriaRole.Button, new() { Name = "Edit Rotate the Wi-Fi pre-shared key" })).ToHaveCountAsync(0);
    }
}
