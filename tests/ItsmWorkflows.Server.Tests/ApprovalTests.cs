using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Approvals end to end on PostgreSQL with a real SMTP server: email, link, confirm, audit, and every refusal.</summary>
public sealed partial class ApprovalTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private const string DefaultTitle = "Change CHG0042: patch the mail relay";

    private static string Definition(string definitionId, string approvers, string requester, string rule = "Any", string title = DefaultTitle) => $$$"""
        { "definitionId": "{{{definitionId}}}", "name": "Change approval test",
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
            { "id": "Approve1", "type": "Itsm.RequestApproval",
              "approvers": { "typeName": "String[]", "expression": { "type": "JavaScript", "value": {{{JsonSerializer.Serialize(approvers)}}} } },
              "title": { "typeName": "String", "expression": { "type": "Literal", "value": {{{JsonSerializer.Serialize(title)}}} } },
              "details": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "({ Risk: 'High', Window: 'Sat 02:00-04:00 UTC' })" } },
              "requester": { "typeName": "String", "expression": { "type": "Literal", "value": "{{{requester}}}" } },
              "rule": { "typeName": "String", "expression": { "type": "Literal", "value": "{{{rule}}}" } } },
            { "id": "Yes", "type": "Elsa.SendEmail",
              "to": { "typeName": "String", "expression": { "type": "Literal", "value": "{{{requester}}}@example.test" } },
              "subject": { "typeName": "String", "expression": { "type": "Literal", "value": "Your change CHG0042 was approved" } },
              "body": { "typeName": "String", "expression": { "type": "Liquid", "value": "<p>Approved by {{ Activities.Approve1.decision.decisions[0].approver }}.</p>" } } },
            { "id": "No", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "rejected" } } } ],
          "connections": [
            { "source": { "activity": "Approve1", "port": "Approved" }, "target": { "activity": "Yes", "port": "In" } },
            { "source": { "activity": "Approve1", "port": "Rejected" }, "target": { "activity": "No", "port": "In" } } ] } }
        """;

    private async Task<(HttpClient Owner, string InstanceId, string ApprovalId)> StartAsync(string approvers, string requester = "alice", string rule = "Any", string? title = null)
    {
        var (owner, id) = await MailWorkflows.PublishAsync(fixture, Definition("approval-" + Guid.NewGuid().ToString("N")[..10], approvers, requester, rule, title ?? DefaultTitle));
        var started = await OkAsync(await owner.PostJsonAsync("/api/instances", new { definitionId = id }));
        var instanceId = started["instance"]!["id"]!.GetValue<string>();
        await MailWorkflows.DeliverAsync(fixture);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var approvalId = await db.Approvals.Where(a => a.InstanceId == instanceId).Select(a => a.Id).SingleAsync(Ct);
        return (owner, instanceId, approvalId);
    }

    /// <summary>The approve link the SMTP server received for this person and approval, as a path on the test server.</summary>
    private async Task<string> LinkAsync(string approvalId, string userName)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var email = await db.ApprovalTokens.Where(t => t.ApprovalId == approvalId && t.Approver == userName).Select(t => t.Email).SingleAsync(Ct);
        var mail = (await fixture.Smtp.ReceivedAsync()).Messages.Last(m => m!["to"]!.AsArray().Any(a => a!.GetValue<string>() == email)
            && m["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal))!;
        Assert.Contains("Change CHG0042: patch the mail relay", mail["html"]!.GetValue<string>());
        var url = ApproveLink().Match(mail["text"]!.GetValue<string>()).Groups[1].Value;
        Assert.StartsWith("http://localhost:5080/approvals/", url);
        return new Uri(url).PathAndQuery;
    }

    private static async Task<(HttpResponseMessage Response, string Html)> GetPageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Ct);
        return (response, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Submits the confirmation form as a browser would: the page's anti-forgery field and cookie, the chosen button.</summary>
    private static async Task<(HttpResponseMessage Response, string Html)> ConfirmAsync(HttpClient client, string path, string decision, string? comment = null) =>
        await SubmitAsync(client, path, await OpenFormAsync(client, path), decision, comment);

    /// <summary>Opens the confirmation page and keeps its form's anti-forgery field (the cookie stays in the client).</summary>
    private static async Task<KeyValuePair<string, string>?> OpenFormAsync(HttpClient client, string path)
    {
        var (_, page) = await GetPageAsync(client, path);
        var field = AntiforgeryField().Match(page);
        return field.Success ? new KeyValuePair<string, string>(field.Groups[1].Value, WebUtility.HtmlDecode(field.Groups[2].Value)) : null;
    }

    private static async Task<(HttpResponseMessage Response, string Html)> SubmitAsync(HttpClient client, string path, KeyValuePair<string, string>? antiforgery, string decision, string? comment = null)
    {
        var form = new Dictionary<string, string> { ["decision"] = decision, ["comment"] = comment ?? "" };
        if (antiforgery is { } field) form[field.Key] = field.Value;
        var response = await client.PostAsync(path.Split('?')[0], new FormUrlEncodedContent(form), Ct);
        return (response, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<string> StatusAsync(HttpClient client, string instanceId) =>
        (await MailWorkflows.GetAsync(client, instanceId))["instance"]!["subStatus"]!.GetValue<string>();

    [Fact]
    public async Task EmailLink_OpeningDecidesNothing_ConfirmingDecides_AndTheRequesterIsNotified()
    {
        var (owner, instanceId, approvalId) = await StartAsync("['carol']");
        var path = await LinkAsync(approvalId, "carol");
        var token = path.Split('/')[2].Split('?')[0];

        // Only the hash is stored.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            var slot = await db.ApprovalTokens.SingleAsync(t => t.ApprovalId == approvalId, Ct);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), slot.TokenHash);
            Assert.Equal(43, token.Length);
            Assert.False(await db.Outbox.AnyAsync(o => o.Payload.Contains(token), Ct));
        }

        // A link scanner fetches the page, twice: nothing is decided.
        var scanner = await fixture.ClientAsync(null);
        for (var i = 0; i < 2; i++)
        {
            var (response, html) = await GetPageAsync(scanner, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Change CHG0042: patch the mail relay", html);
            Assert.Contains("Sat 02:00-04:00 UTC", html);
            Assert.True(response.Headers.CacheControl!.NoStore);
            // The email's Approve button leads to a page where Approve comes first and Reject stays a click away; the rule reads in words.
            var (approveAt, rejectAt) = (html.IndexOf("value=\"approve\" class=\"approve chosen\"", StringComparison.Ordinal), html.IndexOf("value=\"reject\" class=\"reject secondary\"", StringComparison.Ordinal));
            Assert.True(approveAt >= 0 && rejectAt > approveAt, html);
            Assert.Contains("Decided when", html);
            Assert.DoesNotContain("Workflow step", html);
        }
        Assert.Equal("Suspended", await StatusAsync(owner, instanceId));

        // A POST without the page's anti-forgery token is refused.
        var forged = await scanner.PostAsync(path.Split('?')[0], new FormUrlEncodedContent(new Dictionary<string, string> { ["decision"] = "approve" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        // A page a person can act on, not the API's JSON.
        Assert.Equal("text/html", forged.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Open the link in your email again", await forged.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Suspended", await StatusAsync(owner, instanceId));
        // A link checker's HEAD sees the page exists and decides nothing, like GET.
        Assert.Equal(HttpStatusCode.OK, (await scanner.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), Ct)).StatusCode);
        // A decision that is neither approve nor reject is a 400 and decides nothing.
        var odd = await SubmitAsync(scanner, path, await OpenFormAsync(scanner, path), "maybe");
        Assert.Equal(HttpStatusCode.BadRequest, odd.Response.StatusCode);
        Assert.Equal("Suspended", await StatusAsync(owner, instanceId));

        var browser = await fixture.ClientAsync(null);
        browser.DefaultRequestHeaders.UserAgent.ParseAdd("TestMail/1.0");
        var form = await OpenFormAsync(browser, path);
        var (confirmed, done) = await SubmitAsync(browser, path, form, "approve", "Window is fine.");
        Assert.Contains("href=\"/portal/#/approvals\"", done); // somewhere to go next
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("approval is now approved", done);

        await MailWorkflows.DeliverAsync(fixture);
        Assert.Equal("Finished", (await MailWorkflows.GetAsync(owner, instanceId))["instance"]!["status"]!.GetValue<string>());
        var notice = (await fixture.Smtp.ReceivedAsync()).Messages.Last(m => m!["subject"]!.GetValue<string>() == "Your change CHG0042 was approved")!;
        Assert.Contains("Approved by carol", notice["html"]!.GetValue<string>());

        var detail = await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct));
        var audit = Assert.Single(detail["audit"]!.AsArray())!;
        Assert.Equal("carol", audit["actor"]!.GetValue<string>());
        Assert.Equal("email", audit["channel"]!.GetValue<string>());
        Assert.Equal("Approved", audit["decision"]!.GetValue<string>());
        Assert.Equal("Window is fine.", audit["comment"]!.GetValue<string>());
        Assert.Equal("TestMail/1.0", audit["userAgent"]!.GetValue<string>());
        Assert.Equal(detail["contentHash"]!.GetValue<string>(), audit["contentHash"]!.GetValue<string>());
        Assert.False(detail["open"]!.GetValue<bool>());

        // The link worked once: the same form posted again (a double click, a replay) decides nothing, and the page says so.
        var (again, againHtml) = await SubmitAsync(browser, path, form, "reject");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already used", againHtml);
        var reopened = (await GetPageAsync(scanner, path)).Html;
        Assert.Contains("already used", reopened);
        // ...and what it decided, so the approver who clicks an old email knows where things stand.
        Assert.Contains("It recorded: Approved by", reopened);
        Assert.Contains("(email)", reopened);

        // Forged and malformed tokens learn nothing.
        var (unknown, unknownHtml) = await GetPageAsync(scanner, "/approvals/" + new string('A', 43));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("This link is not valid", unknownHtml);
        Assert.DoesNotContain("CHG0042", unknownHtml);
        Assert.Equal(HttpStatusCode.NotFound, (await GetPageAsync(scanner, "/approvals/%3Cscript%3E")).Response.StatusCode);
    }

    [Fact]
    public async Task WrongApprover_ExpiredLink_AndChangedContent_AreRefused()
    {
        var (owner, instanceId, approvalId) = await StartAsync("['carol', 'nina']", rule: "All");
        var carolsLink = await LinkAsync(approvalId, "carol");
        var ninasLink = await LinkAsync(approvalId, "nina");

        var nina = await fixture.ClientAsync("nina");
        var (wrong, wrongHtml) = await GetPageAsync(nina, carolsLink);
        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.Contains("sent to another approver", wrongHtml);
        Assert.DoesNotContain("CHG0042", wrongHtml);

        // What is approved changed (a ticket edited) between opening the page and confirming: the POST re-checks and refuses.
        var ninasBrowser = await fixture.ClientAsync(null);
        var ninasForm = await OpenFormAsync(ninasBrowser, ninasLink);
        Assert.NotNull(ninasForm);
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            var original = await db.Approvals.Where(a => a.Id == approvalId).Select(a => a.ContentHash).SingleAsync(Ct);
            await db.Approvals.Where(a => a.Id == approvalId).ExecuteUpdateAsync(u => u.SetProperty(a => a.ContentHash, new string('0', 64)), Ct);
            var (changed, changedHtml) = await SubmitAsync(ninasBrowser, ninasLink, ninasForm, "approve");
            Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
            Assert.Contains("has changed since this email", changedHtml);
            Assert.Contains("has changed since this email", (await GetPageAsync(ninasBrowser, ninasLink)).Html);
            await db.Approvals.Where(a => a.Id == approvalId).ExecuteUpdateAsync(u => u.SetProperty(a => a.ContentHash, original), Ct);
        }

        // The page was opened in time, the confirmation came after the link expired (72 h): refused.
        var carolsBrowser = await fixture.ClientAsync(null);
        var carolsForm = await OpenFormAsync(carolsBrowser, carolsLink);
        fixture.EngineClock.Advance(TimeSpan.FromHours(73));
        var (expired, expiredHtml) = await SubmitAsync(carolsBrowser, carolsLink, carolsForm, "approve");
        Assert.Equal(HttpStatusCode.Conflict, expired.StatusCode);
        Assert.Contains("expired", expiredHtml);
        Assert.Contains("expired", (await GetPageAsync(carolsBrowser, carolsLink)).Html);
        Assert.Equal("Suspended", await StatusAsync(owner, instanceId));
    }

    [Fact]
    public async Task Inbox_ListsWhatWaitsOnMe_AndRefusesOthers_AndTheRequester()
    {
        // The requester (carol) is in the board: she gets no slot.
        var (owner, instanceId, approvalId) = await StartAsync("['group:Change Advisory Board']", requester: "carol");
        var nina = await fixture.ClientAsync("nina");
        Assert.Contains((await OkAsync(await nina.GetAsync("/api/approvals/inbox", Ct))).AsArray(), i => i!["approvalId"]!.GetValue<string>() == approvalId);
        var alice = await fixture.ClientAsync("alice");
        Assert.DoesNotContain((await OkAsync(await alice.GetAsync("/api/approvals/inbox", Ct))).AsArray(), i => i!["approvalId"]!.GetValue<string>() == approvalId);

        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" })).StatusCode);
        var carol = await fixture.ClientAsync("carol");
        var self = await carol.PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Contains("cannot approve it yourself", (await ReadAsync(self))["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await nina.PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "maybe" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/api/approvals/{approvalId}", Ct)).StatusCode);

        var decided = await OkAsync(await nina.PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "reject", comment = "No back-out plan." }));
        Assert.Equal("Rejected", decided["outcome"]!.GetValue<string>());
        Assert.Equal("rejected", (await MailWorkflows.GetAsync(owner, instanceId))["instance"]!["name"]!.GetValue<string>());
        var late = await (await fixture.ClientAsync("dave")).PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("no longer open", (await ReadAsync(late))["detail"]!.GetValue<string>());
        Assert.Equal("web", Assert.Single((await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct)))["audit"]!.AsArray())!["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoApproversAtTheSameInstant_BothDecisionsCount()
    {
        var (owner, instanceId, approvalId) = await StartAsync("['carol', 'nina']", rule: "All");
        var carol = await fixture.ClientAsync("carol");
        var nina = await fixture.ClientAsync("nina");

        var responses = await Task.WhenAll(
            carol.PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" }),
            nina.PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var detail = await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct));
        Assert.Equal(2, detail["audit"]!.AsArray().Count);
        Assert.False(detail["open"]!.GetValue<bool>());
        var decision = (await MailWorkflows.GetAsync(owner, instanceId))["journal"]!.AsArray().Count(j => j!["activityId"]!.GetValue<string>() == "Approve1" && j["event"]!.GetValue<string>() == "Completed");
        Assert.Equal(1, decision);
    }

    [Fact]
    public async Task Delegate_DecidesOnBehalfOfTheApprover_ByTheirOwnLink()
    {
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var dave = (await users.FindByNameAsync("dave"))!;
            dave.DelegateId = (await users.FindByNameAsync("nina"))!.Id;
            await users.UpdateAsync(dave);
        }
        try
        {
            var (owner, instanceId, approvalId) = await StartAsync("['dave']");
            var ninasLink = await LinkAsync(approvalId, "nina");
            var (page, html) = await GetPageAsync(await fixture.ClientAsync(null), ninasLink);
            // People are named as people know them, on the link page and in the delegate's inbox; the audit keeps user names.
            Assert.Contains("on behalf of <strong>Dave Owner</strong>", html);
            Assert.Contains("Requested by</th><td>Alice Requester</td>", html);
            var ninasMail = (await fixture.Smtp.ReceivedAsync()).Messages.Last(m => m!["text"]!.GetValue<string>().Contains(ninasLink.Split('?')[0], StringComparison.Ordinal))!["text"]!.GetValue<string>();
            Assert.Contains("You decide on behalf of Dave Owner,", ninasMail);
            Assert.Contains("Requested by: Alice Requester", ninasMail);
            var inbox = (await OkAsync(await (await fixture.ClientAsync("nina")).GetAsync("/api/approvals/inbox", Ct))).AsArray();
            var waiting = Assert.Single(inbox, i => i!["approvalId"]!.GetValue<string>() == approvalId)!;
            Assert.Equal("alice", waiting["requester"]!.GetValue<string>());
            Assert.Equal("Alice Requester", waiting["requesterName"]!.GetValue<string>());
            Assert.Equal("Dave Owner", waiting["onBehalfOfName"]!.GetValue<string>());

            var (done, _) = await ConfirmAsync(await fixture.ClientAsync(null), ninasLink, "approve");
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            var audit = Assert.Single((await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct)))["audit"]!.AsArray())!;
            Assert.Equal("nina", audit["actor"]!.GetValue<string>());
            Assert.Equal("dave", audit["onBehalfOf"]!.GetValue<string>());
            var (davesTurn, davesHtml) = await GetPageAsync(await fixture.ClientAsync(null), await LinkAsync(approvalId, "dave"));
            Assert.Equal(HttpStatusCode.Conflict, davesTurn.StatusCode);
            _ = page;
            _ = instanceId;
            Assert.Contains("no longer open", davesHtml);
        }
        finally
        {
            await using var scope = fixture.Factory.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var dave = (await users.FindByNameAsync("dave"))!;
            dave.DelegateId = null;
            await users.UpdateAsync(dave);
        }
    }

    [Fact]
    public async Task Revision_InvalidatesOldLinks_AndAsksOnlyTheUndecidedAgain()
    {
        var (owner, instanceId, approvalId) = await StartAsync("['carol', 'nina']", rule: "All");
        await OkAsync(await (await fixture.ClientAsync("carol")).PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" }));
        var ninasOldLink = await LinkAsync(approvalId, "nina");
        int EmailsTo(JsonArray messages, string address) => messages.Count(m => m!["to"]!.AsArray().Any(a => a!.GetValue<string>() == address)
            && m["subject"]!.GetValue<string>() == "Approval needed: Change CHG0042: patch the mail relay");
        var before = (await fixture.Smtp.ReceivedAsync()).Messages;

        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAsync("nina")).PostJsonAsync($"/api/approvals/{approvalId}/revise", new { details = new { Risk = "Low" } })).StatusCode);
        await OkAsync(await owner.PostJsonAsync($"/api/approvals/{approvalId}/revise", new { details = new { Risk = "Low", Window = "Sun 03:00-05:00 UTC" } }));

        // At once, before any new email: the old link no longer decides.
        var (stale, staleHtml) = await GetPageAsync(await fixture.ClientAsync(null), ninasOldLink);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("has changed since this email", staleHtml);

        await MailWorkflows.DeliverAsync(fixture);
        var after = (await fixture.Smtp.ReceivedAsync()).Messages;
        Assert.Equal(EmailsTo(before, "nina@example.test") + 1, EmailsTo(after, "nina@example.test"));
        Assert.Equal(EmailsTo(before, "carol@example.test"), EmailsTo(after, "carol@example.test")); // carol decided: not asked again
        Assert.Equal(HttpStatusCode.NotFound, (await GetPageAsync(await fixture.ClientAsync(null), ninasOldLink)).Response.StatusCode);

        var ninasNewLink = await LinkAsync(approvalId, "nina");
        var (page, html) = await GetPageAsync(await fixture.ClientAsync(null), ninasNewLink);
        Assert.Contains("Sun 03:00-05:00 UTC", html);
        var (done, doneHtml) = await ConfirmAsync(await fixture.ClientAsync(null), ninasNewLink, "approve");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("approval is now approved", doneHtml);
        _ = page;
        var audit = (await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct)))["audit"]!.AsArray();
        Assert.Equal(["Approved", "Revised", "Approved"], audit.Select(a => a!["decision"]!.GetValue<string>()));
        Assert.Equal("dave", audit[1]!["actor"]!.GetValue<string>());
        await MailWorkflows.DeliverAsync(fixture); // the requester's "approved" email
        Assert.Equal("Finished", (await MailWorkflows.GetAsync(owner, instanceId))["instance"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuditTrail_IsAppendOnly_InTheDatabase()
    {
        var (_, _, approvalId) = await StartAsync("['nina']");
        await OkAsync(await (await fixture.ClientAsync("nina")).PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" }));
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.ApprovalAudit.Where(a => a.ApprovalId == approvalId).ExecuteUpdateAsync(u => u.SetProperty(a => a.Decision, "Rejected"), Ct));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.ApprovalAudit.Where(a => a.ApprovalId == approvalId).ExecuteDeleteAsync(Ct));
    }

    [GeneratedRegex(@"Approve: (\S+)")]
    private static partial Regex ApproveLink();

    [GeneratedRegex(@"<input type=""hidden"" name=""([^""]+)"" value=""([^""]+)"">")]
    private static partial Regex AntiforgeryField();
}
