using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>What a revision of an approval's content takes, and what it refuses before changing anything.</summary>
public sealed partial class ApprovalTests
{
    [Fact]
    public async Task Revision_OfTheWrongShape_IsRefusedWithoutChangingAnything_AndTheListShapeReadBackIsTaken()
    {
        var (owner, _, approvalId) = await StartAsync("['carol']");
        async Task<string> DetailsAsync() => (await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct)))["details"]!.ToJsonString();
        var before = await DetailsAsync();
        Assert.Contains("Sat 02:00-04:00 UTC", before, StringComparison.Ordinal);

        var numberTitle = await owner.PostJsonAsync($"/api/approvals/{approvalId}/revise", new { title = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, numberTitle.StatusCode);
        Assert.Contains("'title' is the approval's new title, as text", (await ReadAsync(numberTitle))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var textDetails = await owner.PostJsonAsync($"/api/approvals/{approvalId}/revise", new { details = "hello" });
        Assert.Equal(HttpStatusCode.BadRequest, textDetails.StatusCode);
        Assert.Contains("'details' is an object of label → value", (await ReadAsync(textDetails))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await DetailsAsync());

        // The [{ key, value }] list GET returns is what a client edits and sends back.
        await OkAsync(await owner.PostJsonAsync($"/api/approvals/{approvalId}/revise", new { details = new[] { new { key = "Risk", value = "Low" }, new { key = "Window", value = "Sun 03:00-05:00 UTC" } } }));
        var after = (await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct)))["details"]!.AsArray();
        Assert.Equal(["Risk=Low", "Window=Sun 03:00-05:00 UTC"], after.Select(d => $"{d!["key"]!.GetValue<string>()}={d["value"]!.GetValue<string>()}"));
        await MailWorkflows.DeliverAsync(fixture);
    }
}
