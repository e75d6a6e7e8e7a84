using System.Net;
using System.Net.Http.Json;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>A delegate named while approvals already wait decides those too; a replaced delegate no longer does.</summary>
public sealed partial class ApprovalTests
{
    private async Task<HttpResponseMessage> NameDelegateAsync(string userName, string? delegateName) =>
        await (await fixture.ClientAsync(userName)).PutAsJsonAsync("/api/people/me/delegate", new { @delegate = delegateName }, Ct);

    private async Task<List<(string Approver, string? OnBehalfOf, DateTimeOffset? EmailedAt)>> SlotsAsync(string approvalId)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        return [.. (await db.ApprovalTokens.AsNoTracking().Where(t => t.ApprovalId == approvalId).ToListAsync(Ct)).Select(t => (t.Approver, t.OnBehalfOf, t.EmailedAt))];
    }

    [Fact]
    public async Task ADelegateNamedWhileApprovalsWait_IsAskedForThem_AndAReplacedOneNoLongerDecides()
    {
        var (owner, instanceId, approvalId) = await StartAsync("['henry', 'grace']", rule: "All");
        try
        {
            // The requester is never asked to approve her own request, not as someone's delegate either.
            await OkAsync(await NameDelegateAsync("henry", "alice"));
            await MailWorkflows.DeliverAsync(fixture);
            Assert.DoesNotContain(await SlotsAsync(approvalId), s => s.Approver == "alice");

            // Judy is named while the approval waits: she gets her own link, on behalf of Henry, and it is in her inbox.
            await OkAsync(await NameDelegateAsync("henry", "judy"));
            await MailWorkflows.DeliverAsync(fixture);
            var judys = Assert.Single(await SlotsAsync(approvalId), s => s.Approver == "judy");
            Assert.Equal("henry", judys.OnBehalfOf);
            Assert.NotNull(judys.EmailedAt);
            var mail = (await fixture.Smtp.ReceivedAsync()).Messages.Last(m => m!["to"]!.AsArray().Any(a => a!.GetValue<string>() == "judy@example.test"))!;
            Assert.Contains("You decide on behalf of Henry Head,", mail["text"]!.GetValue<string>());
            var judysLink = await LinkAsync(approvalId, "judy");
            Assert.Contains(approvalId, await InboxAsync("judy"));
            // Naming her again changes nothing and asks nobody twice.
            await OkAsync(await NameDelegateAsync("henry", "judy"));
            await MailWorkflows.DeliverAsync(fixture);
            Assert.Single(await SlotsAsync(approvalId), s => s.Approver == "judy");

            // Henry names Frank instead: Judy no longer decides for him (link, inbox, API), Frank is asked.
            await OkAsync(await NameDelegateAsync("henry", "frank"));
            await MailWorkflows.DeliverAsync(fixture);
            Assert.DoesNotContain(approvalId, await InboxAsync("judy"));
            var (withdrawn, withdrawnHtml) = await GetPageAsync(await fixture.ClientAsync(null), judysLink);
            Assert.Equal(HttpStatusCode.Conflict, withdrawn.StatusCode);
            Assert.Contains("You no longer decide for this approver", withdrawnHtml);
            var refused = await (await fixture.ClientAsync("judy")).PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("You no longer decide for this approver", (await ReadAsync(refused))["detail"]!.GetValue<string>());
            // Her slot stays as the record that she was asked and emailed.
            Assert.NotNull(Assert.Single(await SlotsAsync(approvalId), s => s.Approver == "judy").EmailedAt);
            Assert.Contains(approvalId, await InboxAsync("frank"));

            // Frank decides for Henry from his inbox; with Grace's approval the rule (All) is met.
            await OkAsync(await (await fixture.ClientAsync("frank")).PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" }));
            Assert.DoesNotContain(approvalId, await InboxAsync("henry")); // decided for him
            await OkAsync(await (await fixture.ClientAsync("grace")).PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" }));
            var detail = await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct));
            Assert.False(detail["open"]!.GetValue<bool>());
            var franks = Assert.Single(detail["audit"]!.AsArray(), a => a!["actor"]!.GetValue<string>() == "frank")!;
            Assert.Equal("henry", franks["onBehalfOf"]!.GetValue<string>());
            var decisions = (await MailWorkflows.GetAsync(owner, instanceId))["journal"]!.AsArray()
                .Count(j => j!["activityId"]!.GetValue<string>() == "Approve1" && j["event"]!.GetValue<string>() == "Completed");
            Assert.Equal(1, decisions);
        }
        finally
        {
            await OkAsync(await NameDelegateAsync("henry", null));
        }
    }

    [Fact]
    public async Task AnApprovalsBookmark_IsNotResumedByItsIdThroughTheInstanceApi_WhateverNameTheBodyGives()
    {
        var (owner, instanceId, approvalId) = await StartAsync("['henry']");
        var bookmark = (await MailWorkflows.GetAsync(owner, instanceId))["bookmarks"]!.AsArray()
            .Single(b => b!["dueAt"] is null)!["id"]!.GetValue<string>();

        var refused = await owner.PostJsonAsync($"/api/instances/{instanceId}/bookmarks/{bookmark}/resume",
            new { payload = new { approver = "gus", onBehalfOf = "henry", decision = "approve" } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"POST /api/approvals/{approvalId}/decision", (await ReadAsync(refused))["detail"]!.GetValue<string>());
        Assert.True((await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct)))["open"]!.GetValue<bool>());
        Assert.Empty((await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct)))["audit"]!.AsArray());
    }

    [Fact]
    public async Task ARevisionAsksTheDelegateNamedSinceTheApprovalBegan_AndNotTheOneReplaced()
    {
        var (owner, _, approvalId) = await StartAsync("['henry']");
        try
        {
            await OkAsync(await NameDelegateAsync("henry", "judy"));
            await MailWorkflows.DeliverAsync(fixture);
            await OkAsync(await NameDelegateAsync("henry", "frank"));
            await MailWorkflows.DeliverAsync(fixture);
            var judyEmailed = Assert.Single(await SlotsAsync(approvalId), s => s.Approver == "judy").EmailedAt;
            await OkAsync(await owner.PostJsonAsync($"/api/approvals/{approvalId}/revise", new { details = new { Risk = "Low" } }));
            await MailWorkflows.DeliverAsync(fixture);
            // Judy, replaced, is not asked again: her slot was last emailed before the revision.
            Assert.Equal(judyEmailed, Assert.Single(await SlotsAsync(approvalId), s => s.Approver == "judy").EmailedAt);
            // Frank's link is for the revised content: it decides.
            var (page, _) = await GetPageAsync(await fixture.ClientAsync(null), await LinkAsync(approvalId, "frank"));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        finally
        {
            await OkAsync(await NameDelegateAsync("henry", null));
        }
    }
}
