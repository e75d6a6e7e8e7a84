using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Switching an approver off hands the approvals already waiting on them to their manager, else their delegate, on
/// PostgreSQL with a real SMTP server: the new approver's emailed link decides, the old one does not; an approval nobody
/// can take is reported. Its own fixture: it switches demo people off.
/// </summary>
public sealed partial class ApprovalHandoverTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private static string[] Names(params string[] names) => names;

    /// <summary>What the answer says became of the approvals waiting on the person: (handed over, stranded).</summary>
    private static (int HandedOver, int Stranded) Counts(JsonNode answer)
    {
        Assert.True(answer["handedOverApprovals"] is not null && answer["strandedApprovals"] is not null, answer.ToJsonString());
        return (answer["handedOverApprovals"]!.GetValue<int>(), answer["strandedApprovals"]!.GetValue<int>());
    }

    /// <summary>A software-access request (the requester's manager approves), waiting; its number and approval.</summary>
    private async Task<(string Number, string ApprovalId)> RequestSoftwareAsync(string requester)
    {
        await Processes.ImportAsync(fixture);
        var client = await fixture.ClientAsync(requester);
        var number = (await OkAsync(await client.PostJsonAsync("/api/requests", new { catalogItemId = "software-access", answers = new { application = "Tableau", justification = "Quarterly dashboards" } })))["number"]!.GetValue<string>();
        await Processes.SettleAsync(fixture);
        var instanceId = (await Processes.TicketAsync(client, number))["ticket"]!["instanceId"]!.GetValue<string>();
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        return (number, await db.Approvals.Where(a => a.InstanceId == instanceId).Select(a => a.Id).SingleAsync(Ct));
    }

    /// <summary>The last approval email this address received, as (text, approve link as a path on the test server).</summary>
    private async Task<(string Text, string Link)> LastApprovalMailAsync(string email)
    {
        var mail = (await fixture.Smtp.ReceivedAsync()).Messages.Last(m => m!["to"]!.AsArray().Any(a => a!.GetValue<string>().Contains(email, StringComparison.Ordinal))
            && m["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal))!;
        var text = mail["text"]!.GetValue<string>();
        return (text, new Uri(ApproveLink().Match(text).Groups[1].Value).PathAndQuery);
    }

    private async Task<int> ApprovalMailsToAsync(string email) =>
        (await fixture.Smtp.ReceivedAsync()).Messages.Count(m => m!["to"]!.AsArray().Any(a => a!.GetValue<string>().Contains(email, StringComparison.Ordinal))
            && m["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal));

    private static async Task<(HttpStatusCode Status, string Html)> OpenAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Opens the link's page and confirms the decision with the page's anti-forgery field, as a browser does.</summary>
    private static async Task<(HttpStatusCode Status, string Html)> ConfirmAsync(HttpClient browser, string path, string decision)
    {
        var (_, page) = await OpenAsync(browser, path);
        var field = AntiforgeryField().Match(page);
        Assert.True(field.Success, page);
        var form = new Dictionary<string, string> { ["decision"] = decision, ["comment"] = "", [field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value) };
        var response = await browser.PostAsync(path.Split('?')[0], new FormUrlEncodedContent(form), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<JsonNode> ApprovalAsync(string approvalId) => await OkAsync(await (await fixture.ClientAsync("erin")).GetAsync($"/api/approvals/{approvalId}", Ct));

    private async Task<List<string>> InboxAsync(string userName) =>
        [.. (await OkAsync(await (await fixture.ClientAsync(userName)).GetAsync("/api/approvals/inbox", Ct))).AsArray().Select(i => i!["approvalId"]!.GetValue<string>())];

    [Fact]
    public async Task SwitchingTheApproverOff_HandsTheWaitingApprovalToTheirManager_WhoseEmailedLinkDecides_AndTheirOwnLinkIsRefused()
    {
        // Alice's request waits on her manager, Carol, who has her link.
        var (number, approvalId) = await RequestSoftwareAsync("alice");
        var (_, carolsLink) = await LastApprovalMailAsync("carol@example.test");
        var davesBefore = await ApprovalMailsToAsync("dave@example.test");

        var off = await OkAsync(await (await fixture.ClientAsync("erin")).PostAsync("/api/people/carol/disable", null, Ct));
        Assert.Equal((1, 0), Counts(off));
        await Processes.SettleAsync(fixture);

        // Dave, Carol's manager, gets the approval email, saying why it comes to him, and it is in his inbox.
        Assert.Equal(davesBefore + 1, await ApprovalMailsToAsync("dave@example.test"));
        var (text, davesLink) = await LastApprovalMailAsync("dave@example.test");
        Assert.Contains("Carol Manager's account was switched off, so it comes to you as their manager.", text, StringComparison.Ordinal);
        Assert.Contains("Requested by: Alice Requester", text, StringComparison.Ordinal);
        Assert.Contains(approvalId, await InboxAsync("dave"));
        // The ticket shows whom it waits on now, and the approval's trail shows the handover, by the administrator.
        var ticket = await Processes.TicketAsync(await fixture.ClientAsync("alice"), number);
        Assert.Contains("Dave Owner", ticket["waitingOn"]!.ToJsonString(), StringComparison.Ordinal);
        var handover = Assert.Single((await ApprovalAsync(approvalId))["audit"]!.AsArray())!;
        Assert.Equal(("erin", "carol", "HandedOver"), (handover["actor"]!.GetValue<string>(), handover["onBehalfOf"]!.GetValue<string>(), handover["decision"]!.GetValue<string>()));
        Assert.Equal("Carol Manager's account was switched off, so it went to Dave Owner as their manager.", handover["comment"]!.GetValue<string>());

        // Carol's link decides nothing.
        var anonymous = await fixture.ClientAsync(null);
        var (refused, refusedHtml) = await OpenAsync(anonymous, carolsLink);
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("switched off", refusedHtml, StringComparison.Ordinal);

        // Dave's link does: with rule Any, the request is approved and moves on to fulfilment.
        var (confirmed, done) = await ConfirmAsync(await fixture.ClientAsync(null), davesLink, "approve");
        Assert.Equal(HttpStatusCode.OK, confirmed);
        Assert.Contains("approval is now approved", done, StringComparison.Ordinal);
        await Processes.SettleAsync(fixture);
        var approval = await ApprovalAsync(approvalId);
        Assert.False(approval["open"]!.GetValue<bool>());
        var decided = approval["audit"]!.AsArray().Last()!;
        Assert.Equal(("dave", "Approved", "email"), (decided["actor"]!.GetValue<string>(), decided["decision"]!.GetValue<string>(), decided["channel"]!.GetValue<string>()));
        Assert.NotEqual("Awaiting approval", await Processes.StatusAsync(await fixture.ClientAsync("alice"), number));
        Assert.Single(await Processes.OpenTasksAsync(await fixture.ClientAsync("erin"), number));

        // Switched off again, nothing is handed over twice.
        var again = await OkAsync(await (await fixture.ClientAsync("erin")).PostAsync("/api/people/carol/disable", null, Ct));
        Assert.Equal((0, 0), Counts(again));
    }

    [Fact]
    public async Task AnApprovalNobodyCanTake_IsReported_AndHandedOverOnceTheDirectorySaysToWhom_WhileTheOldApproverSwitchedOnGetsNothingBack()
    {
        var erin = await fixture.ClientAsync("erin");
        // Mona approves for Pat; her manager Olga is switched off, and her delegate is Pat himself, the requester.
        foreach (var (userName, name, manager) in new[] { ("olga", "Olga Old", (string?)null), ("mona", "Mona Lead", "olga"), ("pat", "Pat Requester", "mona") })
        {
            Assert.Equal(HttpStatusCode.Created, (await erin.PostJsonAsync("/api/people", new { userName, displayName = name, email = $"{userName}@example.test", manager, roles = Names("requester", "approver") })).StatusCode);
        }
        await OkAsync(await erin.PutJsonAsync("/api/people/mona", new { @delegate = "pat" }));
        await OkAsync(await erin.PostAsync("/api/people/olga/disable", null, Ct));
        var (number, approvalId) = await RequestSoftwareAsync("pat");
        var (_, monasLink) = await LastApprovalMailAsync("mona@example.test");

        var off = await OkAsync(await erin.PostAsync("/api/people/mona/disable", null, Ct));
        Assert.Equal((0, 1), Counts(off));
        await Processes.SettleAsync(fixture);
        // Still Mona's, and nothing in the trail: nobody was asked.
        Assert.Contains("Mona Lead", (await Processes.TicketAsync(await fixture.ClientAsync("pat"), number))["waitingOn"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty((await ApprovalAsync(approvalId))["audit"]!.AsArray());
        Assert.Equal(0, await ApprovalMailsToAsync("pat@example.test"));

        // Switching her off again changes nothing; given a manager who is switched on, she hands it over to him.
        var again = await OkAsync(await erin.PostAsync("/api/people/mona/disable", null, Ct));
        Assert.Equal((0, 1), Counts(again));
        var managed = await OkAsync(await erin.PutJsonAsync("/api/people/mona", new { manager = "dave" }));
        Assert.Equal((1, 0), Counts(managed));
        await Processes.SettleAsync(fixture);
        Assert.Contains("Mona Lead's account was switched off, so it comes to you as their manager.", (await LastApprovalMailAsync("dave@example.test")).Text, StringComparison.Ordinal);
        Assert.Equal((0, 0), Counts(await OkAsync(await erin.PostAsync("/api/people/mona/disable", null, Ct))));

        // Switched on again, Mona gets none of it back: her link says where it went, and her inbox no longer has it.
        await OkAsync(await erin.PostAsync("/api/people/mona/enable", null, Ct));
        var (refused, refusedHtml) = await OpenAsync(await fixture.ClientAsync(null), monasLink);
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("handed over to someone else", refusedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(approvalId, await InboxAsync("mona"));
        var api = await (await fixture.ClientAsync("mona")).PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "reject" });
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);

        // Dave decides it from his inbox.
        await OkAsync(await (await fixture.ClientAsync("dave")).PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" }));
        Assert.False((await ApprovalAsync(approvalId))["open"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ADelegateWhoHeldALinkForThem_TakesTheSlotAsTheirOwn_WithAFreshLink()
    {
        var erin = await fixture.ClientAsync("erin");
        // Rita has no manager; Sam decides for her, and is asked with her.
        foreach (var (userName, name, manager) in new[] { ("rita", "Rita Lead", (string?)null), ("sam", "Sam Deputy", null), ("quinn", "Quinn Requester", "rita") })
        {
            Assert.Equal(HttpStatusCode.Created, (await erin.PostJsonAsync("/api/people", new { userName, displayName = name, email = $"{userName}@example.test", manager, roles = Names("requester", "approver") })).StatusCode);
        }
        await OkAsync(await erin.PutJsonAsync("/api/people/rita", new { @delegate = "sam" }));
        var (_, approvalId) = await RequestSoftwareAsync("quinn");
        var (asDelegate, samsOldLink) = await LastApprovalMailAsync("sam@example.test");
        Assert.Contains("You decide on behalf of Rita Lead", asDelegate, StringComparison.Ordinal);

        var off = await OkAsync(await erin.PostAsync("/api/people/rita/disable", null, Ct));
        Assert.Equal((1, 0), Counts(off));
        await Processes.SettleAsync(fixture);

        var (text, samsLink) = await LastApprovalMailAsync("sam@example.test");
        Assert.Contains("Rita Lead's account was switched off, so it comes to you as their delegate.", text, StringComparison.Ordinal);
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            Assert.Null(await db.ApprovalTokens.Where(t => t.ApprovalId == approvalId && t.Approver == "sam").Select(t => t.OnBehalfOf).SingleAsync(Ct));
        }
        // The link sent for Rita was replaced by this one.
        Assert.Equal(HttpStatusCode.NotFound, (await OpenAsync(await fixture.ClientAsync(null), samsOldLink)).Status);
        var (confirmed, done) = await ConfirmAsync(await fixture.ClientAsync(null), samsLink, "reject");
        Assert.Equal(HttpStatusCode.OK, confirmed);
        Assert.Contains("approval is now rejected", done, StringComparison.Ordinal);
        var decided = (await ApprovalAsync(approvalId))["audit"]!.AsArray().Last()!;
        Assert.Equal("sam", decided["actor"]!.GetValue<string>());
        Assert.Null(decided["onBehalfOf"]);
    }

    [GeneratedRegex(@"Approve: (\S+)")]
    private static partial Regex ApproveLink();

    [GeneratedRegex(@"<input type=""hidden"" name=""([^""]+)"" value=""([^""]+)"">")]
    private static partial Regex AntiforgeryField();
}
