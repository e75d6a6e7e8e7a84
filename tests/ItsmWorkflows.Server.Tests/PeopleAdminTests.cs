using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>PostgreSQL, with sign-in cookies re-checked on every request, so a switched-off account shows at once.</summary>
public sealed class PostgresSessionCheckFixture : PostgresServerFixture
{
    protected override Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        settings["Identity:SessionCheckInterval"] = "00:00:00";
        return Task.CompletedTask;
    }
}

/// <summary>
/// Running the directory on a real installation: an administrator adds people with roles and passwords, resets a
/// password, switches an account off (every way in closes) and on, and keeps groups; everyone changes their own password.
/// </summary>
public sealed class PeopleAdminTests(PostgresSessionCheckFixture fixture) : IClassFixture<PostgresSessionCheckFixture>
{
    private const string Password = "a long passphrase of mine";

    private HttpClient Anonymous(bool cookies = true) => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });

    private static string[] Names(params string[] names) => names;

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password) =>
        await client.PostAsJsonAsync("/account/login", new { userName, password }, Ct);

    private static async Task<string> DetailAsync(HttpResponseMessage response) => (await ReadAsync(response))["detail"]!.GetValue<string>();

    [Fact]
    public async Task AnAdministrator_AddsSomeoneWithRolesGroupsAndAPassword_WhoThenSignsInAsThem()
    {
        var erin = await fixture.ClientAsync("erin");
        var added = await erin.PostJsonAsync("/api/people", new { userName = "paula", displayName = "Paula Agent", email = "paula@example.org", manager = "dave", roles = Names("agent"), groups = Names("Service Desk"), password = Password });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var paula = await ReadAsync(added);
        Assert.Equal(["agent"], paula["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["Service Desk"], paula["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal("dave", paula["manager"]!.GetValue<string>());
        Assert.False(paula["disabled"]!.GetValue<bool>());

        var client = Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(client, "paula", Password)).StatusCode);
        var me = await OkAsync(await client.GetAsync("/account/me", Ct));
        Assert.Equal(["agent"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        // An agent reads the staff dashboard, which a requester may not.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/dashboard", Ct)).StatusCode);
        var forbidden = await (await fixture.ClientAsync("alice")).GetAsync("/api/dashboard", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("It is for agents, process owners and administrators.", await DetailAsync(forbidden), StringComparison.Ordinal);

        // Without roles, a requester; an administrator's directory shows each person's roles, anyone else's not
        // (who the administrators are, and whose account is off, is not every requester's business).
        Assert.Equal(HttpStatusCode.Created, (await erin.PostJsonAsync("/api/people", new { userName = "quentin", displayName = "Quentin Q" })).StatusCode);
        var people = (await OkAsync(await erin.GetAsync("/api/people", Ct))).AsArray();
        Assert.Equal(["requester"], people.Single(p => p!["userName"]!.GetValue<string>() == "quentin")!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        var asRequester = (await OkAsync(await (await fixture.ClientAsync("alice")).GetAsync("/api/people", Ct))).AsArray();
        Assert.All(asRequester, p => Assert.Null(p!["roles"]));
        Assert.All(asRequester, p => Assert.Null(p!["disabled"]));
    }

    [Fact]
    public async Task AddingSomeone_RefusesWhatCannotBe_AndLeavesNobodyHalfMade()
    {
        var erin = await fixture.ClientAsync("erin");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAsync("dave")).PostJsonAsync("/api/people", new { userName = "sneaky", displayName = "S" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().PostJsonAsync("/api/people", new { userName = "sneaky", displayName = "S" })).StatusCode);

        var taken = await erin.PostJsonAsync("/api/people", new { userName = "BOB", displayName = "Another Bob" });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains("already someone's user name", await DetailAsync(taken), StringComparison.Ordinal);

        var role = await erin.PostJsonAsync("/api/people", new { userName = "rita", displayName = "Rita", roles = Names("superuser") });
        Assert.Equal(HttpStatusCode.BadRequest, role.StatusCode);
        Assert.Contains("Unknown roles: superuser; the roles are admin, process-owner, approver, agent, requester", await DetailAsync(role), StringComparison.Ordinal);

        var reserved = await erin.PostJsonAsync("/api/people", new { userName = "me", displayName = "Me" });
        Assert.Equal(HttpStatusCode.BadRequest, reserved.StatusCode);
        Assert.Contains("reserved", await DetailAsync(reserved), StringComparison.Ordinal);

        // A password the policy refuses: nothing is kept, and the name stays free.
        var weak = await erin.PostJsonAsync("/api/people", new { userName = "sam", displayName = "Sam", roles = Names("agent"), password = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("at least 12 characters", await DetailAsync(weak), StringComparison.Ordinal);
        var people = (await OkAsync(await erin.GetAsync("/api/people", Ct))).AsArray();
        Assert.DoesNotContain(people, p => p!["userName"]!.GetValue<string>() == "sam");
        Assert.Equal(HttpStatusCode.Created, (await erin.PostJsonAsync("/api/people", new { userName = "sam", displayName = "Sam", password = Password })).StatusCode);
    }

    [Fact]
    public async Task ASwitchedOffAccount_LosesItsSession_ItsToken_AndItsSignIn_UntilSwitchedOnAgain()
    {
        var erin = await fixture.ClientAsync("erin");
        Assert.Equal(HttpStatusCode.Created, (await erin.PostJsonAsync("/api/people", new { userName = "leaver", displayName = "Leo Leaver", roles = Names("agent"), groups = Names("Service Desk"), password = Password })).StatusCode);
        await Processes.ImportAsync(fixture);
        var incident = await OkAsync(await (await fixture.ClientAsync("alice")).PostJsonAsync("/api/incidents", new { title = "Printer jams", serviceId = "crm", impact = 3, urgency = 3 }));
        var number = incident["number"]!.GetValue<string>();
        var session = Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(session, "leaver", Password)).StatusCode);
        var token = (await OkAsync(await session.PostJsonAsync("/api/tokens", new { name = "Script" })))["token"]!.GetValue<string>();
        using var script = Anonymous(cookies: false);
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/account/me", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAsync("dave")).PostAsync("/api/people/leaver/disable", null, Ct)).StatusCode);
        var off = await OkAsync(await erin.PostAsync("/api/people/leaver/disable", null, Ct));
        Assert.True(off["disabled"]!.GetValue<bool>());
        // Nothing is assigned to someone who left.
        var revision = (await OkAsync(await erin.GetAsync($"/api/tickets/{number}", Ct)))["ticket"]!["revision"]!.GetValue<long>();
        var assign = await erin.PostJsonAsync($"/api/tickets/{number}/assign", new { assignmentGroup = "Service Desk", assignee = "leaver", revision });
        Assert.Equal(HttpStatusCode.BadRequest, assign.StatusCode);
        Assert.Contains("leaver's account is switched off", await DetailAsync(assign), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/account/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/account/me", Ct)).StatusCode);
        // The right password answers as any failed sign-in does.
        var refused = await SignInAsync(Anonymous(), "leaver", Password);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("user name or password is wrong", await DetailAsync(refused), StringComparison.Ordinal);

        var on = await OkAsync(await erin.PostAsync("/api/people/leaver/enable", null, Ct));
        Assert.False(on["disabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(Anonymous(), "leaver", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/account/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task TheLastAdministratorWhoCanSignIn_KeepsTheRole_AndNobodySwitchesThemselvesOff()
    {
        var root = Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(root, ServerFixture.BootstrapAdmin, ServerFixture.BootstrapPassword)).StatusCode);
        var self = await root.PostAsync($"/api/people/{ServerFixture.BootstrapAdmin}/disable", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("your own account", await DetailAsync(self), StringComparison.Ordinal);

        // An administrator made without a password (and no single sign-on) cannot sign in: she does not count.
        Assert.Equal(HttpStatusCode.Created, (await root.PostJsonAsync("/api/people", new { userName = "nopass", displayName = "No Password", roles = Names("admin") })).StatusCode);
        // A second administrator, switched off: root is then the only one who can sign in, and keeps the role.
        Assert.Equal(HttpStatusCode.Created, (await root.PostJsonAsync("/api/people", new { userName = "admin2", displayName = "Second Admin", roles = Names("admin") })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await root.PostAsync("/api/people/admin2/disable", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await root.PostAsync("/api/people/erin/disable", null, Ct)).StatusCode);
        try
        {
            var demote = await root.PutJsonAsync($"/api/people/{ServerFixture.BootstrapAdmin}", new { roles = Names("agent") });
            Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
            Assert.Contains("only administrator who can sign in", await DetailAsync(demote), StringComparison.Ordinal);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await root.PostAsync("/api/people/erin/enable", null, Ct)).StatusCode);
        }
        // With erin back, admin2 can lose the role, and roles, display name and email change together.
        var changed = await OkAsync(await root.PutJsonAsync("/api/people/admin2", new { roles = Names("approver", "agent"), displayName = "Ada Approver", email = "ada@example.org" }));
        Assert.Equal(["agent", "approver"], changed["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("Ada Approver", changed["displayName"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await root.PutJsonAsync("/api/people/admin2", new { email = "not an address" })).StatusCode);
        // A change refused part-way keeps nothing: roles were saved before the unknown group was noticed.
        Assert.Equal(HttpStatusCode.BadRequest, (await root.PutJsonAsync("/api/people/admin2", new { roles = Names("admin"), displayName = "Not Kept", groups = Names("No Such Group") })).StatusCode);
        var kept = (await OkAsync(await root.GetAsync("/api/people", Ct))).AsArray().Single(p => p!["userName"]!.GetValue<string>() == "admin2")!;
        Assert.Equal(["agent", "approver"], kept["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("Ada Approver", kept["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Passwords_AreResetByAnAdministrator_AndChangedByTheirOwner()
    {
        var erin = await fixture.ClientAsync("erin");
        Assert.Equal(HttpStatusCode.Created, (await erin.PostJsonAsync("/api/people", new { userName = "forgetful", displayName = "Fran Forgetful", password = Password })).StatusCode);
        var session = Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(session, "forgetful", Password)).StatusCode);
        // Five wrong passwords lock the sign-in; the administrator's reset lifts that and ends the old session.
        for (var i = 0; i < 5; i++) await SignInAsync(Anonymous(), "forgetful", "not the passphrase at all");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(Anonymous(), "forgetful", Password)).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await erin.PutJsonAsync("/api/people/forgetful/password", new { password = "short" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await erin.PutJsonAsync("/api/people/forgetful/password", new { password = "a brand new passphrase" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/account/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(Anonymous(), "forgetful", Password)).StatusCode);
        var fran = Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(fran, "forgetful", "a brand new passphrase")).StatusCode);

        // Her own change: the current password is needed; this session stays, the new password is the one that works.
        var wrong = await fran.PutJsonAsync("/api/people/me/password", new { currentPassword = "guess guess guess", newPassword = "my very own passphrase" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("The current password is wrong.", await DetailAsync(wrong));
        // Each wrong guess counts as a wrong sign-in: five and the change waits (429), as sign-in does.
        for (var i = 0; i < 4; i++) await fran.PutJsonAsync("/api/people/me/password", new { currentPassword = "guess again " + i, newPassword = "my very own passphrase" });
        Assert.Equal((HttpStatusCode)429, (await fran.PutJsonAsync("/api/people/me/password", new { currentPassword = "a brand new passphrase", newPassword = "my very own passphrase" })).StatusCode);
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ItsmWorkflows.Server.Data.Person>>();
            var person = (await users.FindByNameAsync("forgetful"))!;
            await users.SetLockoutEndDateAsync(person, null);
            await users.ResetAccessFailedCountAsync(person);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await fran.PutJsonAsync("/api/people/me/password", new { currentPassword = "a brand new passphrase", newPassword = "my very own passphrase" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fran.GetAsync("/account/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(Anonymous(), "forgetful", "a brand new passphrase")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(Anonymous(), "forgetful", "my very own passphrase")).StatusCode);

        // Someone without a password here (a demo person, or one who signs in through the organisation) is told so.
        var alice = await (await fixture.ClientAsync("alice")).PutJsonAsync("/api/people/me/password", new { currentPassword = "x", newPassword = "my very own passphrase" });
        Assert.Equal(HttpStatusCode.Conflict, alice.StatusCode);
    }

    [Fact]
    public async Task Groups_AreAddedAndTheirMembersSet_ByAnAdministrator_AndKeepTheirName()
    {
        var erin = await fixture.ClientAsync("erin");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAsync("bob")).PostJsonAsync("/api/groups", new { name = "Database Team" })).StatusCode);
        var added = await OkAsync(await erin.PostJsonAsync("/api/groups", new { name = "Database Team", description = "PostgreSQL and backups", members = Names("bob", "NINA") }));
        Assert.Equal(["bob", "nina"], added["members"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, (await erin.PostJsonAsync("/api/groups", new { name = "Database Team" })).StatusCode);
        var unknown = await erin.PutJsonAsync("/api/groups/Database%20Team", new { members = Names("bob", "zed") });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("Unknown people: zed", await DetailAsync(unknown), StringComparison.Ordinal);

        var updated = await OkAsync(await erin.PutJsonAsync("/api/groups/Database%20Team", new { members = Names("frank") }));
        Assert.Equal(["frank"], updated["members"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("PostgreSQL and backups", updated["description"]!.GetValue<string>());
        var rename = await erin.PutJsonAsync("/api/groups/Database%20Team", new { name = "DBA" });
        Assert.Equal(HttpStatusCode.Conflict, rename.StatusCode);
        // The person's own entry lists the group.
        var people = (await OkAsync(await erin.GetAsync("/api/people", Ct))).AsArray();
        Assert.Contains("Database Team", people.Single(p => p!["userName"]!.GetValue<string>() == "frank")!["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task SwitchingOffAGroupsLastMember_SaysTheGroupIsLeftWithNobody()
    {
        var erin = await fixture.ClientAsync("erin");
        await OkAsync(await erin.PostJsonAsync("/api/people", new { userName = "olga", displayName = "Olga Oncall", roles = Names("agent") }));
        await OkAsync(await erin.PostJsonAsync("/api/people", new { userName = "otto", displayName = "Otto Oncall", roles = Names("agent") }));
        await OkAsync(await erin.PostJsonAsync("/api/groups", new { name = "Night Shift", members = Names("olga", "otto") }));

        var first = await OkAsync(await erin.PostJsonAsync("/api/people/olga/disable", new { }));
        Assert.Empty(first["groupsLeftEmpty"]!.AsArray()); // otto is still there
        var last = await OkAsync(await erin.PostJsonAsync("/api/people/otto/disable", new { }));
        Assert.Equal(["Night Shift"], last["groupsLeftEmpty"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task ASwitchedOffPerson_IsAskedToApproveNothing_AsMemberDelegateOrManager()
    {
        var erin = await fixture.ClientAsync("erin");
        Assert.Equal(HttpStatusCode.Created, (await erin.PostJsonAsync("/api/people", new { userName = "cabby", displayName = "Cab Member", roles = Names("approver"), groups = Names("Change Advisory Board") })).StatusCode);
        var directory = fixture.Factory.Services.GetRequiredService<ItsmWorkflows.Engine.Execution.WorkflowServices>().Approvers!;
        Assert.Contains((await directory.ResolveAsync(["group:Change Advisory Board"], Ct)), a => a.UserName == "cabby");

        Assert.Equal(HttpStatusCode.OK, (await erin.PostAsync("/api/people/cabby/disable", null, Ct)).StatusCode);
        Assert.DoesNotContain((await directory.ResolveAsync(["group:Change Advisory Board"], Ct)), a => a.UserName == "cabby");
        Assert.Empty(await directory.ResolveAsync(["cabby"], Ct));
    }

    /// <summary>The emails queued about a ticket (the fixture has no mail server: they wait in the outbox), as (to, subject, text).</summary>
    private async Task<List<(string[] To, string Subject, string Text)>> QueuedAboutAsync(string number)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
        var payloads = await db.Outbox.AsNoTracking().Where(o => o.Kind == ItsmWorkflows.Engine.Activities.Email.EmailMessage.OutboxKind).Select(o => o.Payload).ToListAsync(Ct);
        return [.. payloads.Select(ItsmWorkflows.Engine.Activities.Email.EmailMessage.FromJson).Where(m => m.Subject.Contains(number, StringComparison.Ordinal))
            .Select(m => (m.To.Order().ToArray(), m.Subject, m.TextBody ?? ""))];
    }

    [Fact]
    public async Task SwitchingSomeoneOff_SendsTheirOpenTickets_BackToTheirGroups_ForGood()
    {
        var erin = await fixture.ClientAsync("erin");
        var bob = await fixture.ClientAsync("bob");
        var alice = await fixture.ClientAsync("alice");
        Assert.Equal(HttpStatusCode.Created, (await erin.PostJsonAsync("/api/people", new { userName = "noel", displayName = "Noel Network", email = "noel@example.test", roles = Names("agent"), groups = Names("Network") })).StatusCode);
        await Processes.ImportAsync(fixture);
        async Task<System.Text.Json.Nodes.JsonNode> TicketAsync(string number) => (await OkAsync(await erin.GetAsync($"/api/tickets/{number}", Ct)))["ticket"]!;
        async Task AssignToNoelAsync(string number) =>
            await OkAsync(await bob.PostJsonAsync($"/api/tickets/{number}/assign", new { assignmentGroup = "Network", assignee = "noel", revision = (await TicketAsync(number))["revision"]!.GetValue<long>() }));
        async Task<string> VpnTaskAsync()
        {
            var request = (await OkAsync(await alice.PostJsonAsync("/api/requests", new { catalogItemId = "vpn-access", answers = new { reason = "Travel" } })))["number"]!.GetValue<string>();
            return Assert.Single((await OkAsync(await erin.GetAsync($"/api/tickets/{request}", Ct)))["tasks"]!.AsArray())!["number"]!.GetValue<string>();
        }

        // Noel has an incident and a fulfilment task open, and a task he already finished.
        var incident = (await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title = "Wi-Fi drops on floor 4", serviceId = "network", impact = 2, urgency = 2 })))["number"]!.GetValue<string>();
        await AssignToNoelAsync(incident);
        var task = await VpnTaskAsync();
        await AssignToNoelAsync(task);
        var done = await VpnTaskAsync();
        await AssignToNoelAsync(done);
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.ClientAsync("nina")).PostJsonAsync($"/api/tasks/{done}/close", new { state = "Complete" })).StatusCode);
        var revisions = new Dictionary<string, long> { [incident] = (await TicketAsync(incident))["revision"]!.GetValue<long>(), [task] = (await TicketAsync(task))["revision"]!.GetValue<long>() };

        var off = await OkAsync(await erin.PostAsync("/api/people/noel/disable", null, Ct));
        Assert.True(off["disabled"]!.GetValue<bool>());
        Assert.Equal(2, off["releasedTickets"]!.GetValue<int>());
        foreach (var number in new[] { incident, task })
        {
            // Back in Network's queue, as an unassignment by hand leaves it: a history line by the administrator, a new revision.
            var ticket = await TicketAsync(number);
            Assert.Null(ticket["assignee"]);
            Assert.Equal("Network", ticket["assignmentGroup"]!.GetValue<string>());
            Assert.Equal(revisions[number] + 1, ticket["revision"]!.GetValue<long>());
            var history = (await OkAsync(await erin.GetAsync($"/api/tickets/{number}", Ct)))["history"]!.AsArray();
            Assert.Contains(history, h => h!["text"]!.GetValue<string>() == "Unassigned: Noel Network was switched off" && h["actor"]!.GetValue<string>() == "erin" && h["kind"]!.GetValue<string>() == "assigned");
            // Network is told, without Noel: nina, with the reason.
            var told = Assert.Single(await QueuedAboutAsync(number), m => m.Subject.StartsWith($"{number} assigned to Network", StringComparison.Ordinal));
            Assert.Equal(["Nina Network <nina@example.test>"], told.To);
            Assert.Contains("It was with Noel Network, whose account was switched off; it is back in the queue for someone to take.", told.Text, StringComparison.Ordinal);
        }
        // What he closed keeps his name; the list of his open work is empty.
        Assert.Equal("noel", (await TicketAsync(done))["assignee"]!.GetValue<string>());
        Assert.Equal(0, (await OkAsync(await erin.GetAsync("/api/tickets?assignee=noel&open=true", Ct)))["total"]!.GetValue<int>());

        // Switched on again, he gets none of it back; switching off again releases nothing more.
        Assert.Null((await OkAsync(await erin.PostAsync("/api/people/noel/enable", null, Ct)))["releasedTickets"]);
        Assert.Null((await TicketAsync(incident))["assignee"]);
        Assert.Null((await TicketAsync(task))["assignee"]);
        Assert.Equal(0, (await OkAsync(await erin.PostAsync("/api/people/noel/disable", null, Ct)))["releasedTickets"]!.GetValue<int>());
    }
}
