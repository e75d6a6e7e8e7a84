using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Each role against each endpoint group: 401 without sign-in, 403 without the role, allowed with it.</summary>
public sealed class AuthorizationTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    public static TheoryData<string?, string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string?, string, string, HttpStatusCode>();
        (string Method, string Url)[] read = [("GET", "/account/me")];
        (string Method, string Url)[] design = [("POST", "/api/definitions"), ("POST", "/api/definitions/x/publish"), ("POST", "/api/definitions/import"), ("POST", "/api/definitions/export"), ("POST", "/api/expressions/check"), ("PUT", "/api/change-templates/x")];
        (string Method, string Url)[] start = [("POST", "/api/instances"), ("GET", "/api/dashboard"), ("GET", "/api/definitions"), ("GET", "/api/definitions/x"), ("GET", "/api/definitions/x/versions"), ("GET", "/api/definitions/x/diff?from=1&to=2"), ("GET", "/api/change-templates")];
        (string Method, string Url)[] operate = [("GET", "/api/instances"), ("GET", "/api/instances/x"), ("POST", "/api/instances/events"), ("POST", "/api/instances/x/cancel"), ("POST", "/api/instances/x/migrate"), ("POST", "/api/definitions/x/migrate-instances")];
        (string Method, string Url)[] admin = [("GET", "/api/mail/outbox"), ("POST", "/api/mail/outbox/x/retry")];
        foreach (var (method, url) in read.Concat(design).Concat(start).Concat(operate).Concat(admin)) data.Add(null, method, url, HttpStatusCode.Unauthorized);
        data.Add(null, "POST", "/hubs/live/negotiate?negotiateVersion=1", HttpStatusCode.Unauthorized);
        data.Add(null, "GET", "/api/changes/calendar", HttpStatusCode.Unauthorized);
        // A ticket's files, whatever the body: the sign-in is checked before anything else.
        foreach (var (method, url) in new[] { ("GET", "/api/tickets/x/attachments"), ("POST", "/api/tickets/x/attachments"), ("GET", "/api/tickets/x/attachments/1"), ("DELETE", "/api/tickets/x/attachments/1") })
        {
            data.Add(null, method, url, HttpStatusCode.Unauthorized);
        }
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            foreach (var (method, url) in design.Concat(operate)) data.Add(user, method, url, HttpStatusCode.Forbidden);
        }
        foreach (var user in new[] { "alice", "carol" })
        {
            foreach (var (method, url) in start) data.Add(user, method, url, HttpStatusCode.Forbidden);
        }
        foreach (var user in new[] { "alice", "bob", "carol", "dave" })
        {
            foreach (var (method, url) in admin) data.Add(user, method, url, HttpStatusCode.Forbidden);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Endpoint_WithoutTheRole_IsRefused(string? user, string method, string url, HttpStatusCode expected)
    {
        var client = await fixture.ClientAsync(user);
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "POST" ? Body("{}") : null }, Ct);
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("dave")]
    [InlineData("erin")]
    public async Task ProcessOwnerAndAdmin_CanDesignAndOperate(string user)
    {
        var client = await fixture.ClientAsync(user);
        var id = "auth-" + Guid.NewGuid().ToString("N")[..10];
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id)), Ct));
        await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        await OkAsync(await client.GetAsync($"/api/instances?definitionId={id}", Ct));
    }

    [Fact]
    public async Task Agent_CanStartButNotOperate()
    {
        var owner = await fixture.ClientAsync("dave");
        var id = "agent-" + Guid.NewGuid().ToString("N")[..10];
        await OkAsync(await owner.PostAsync("/api/definitions", Body(Definition(id)), Ct));
        await OkAsync(await owner.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        var agent = await fixture.ClientAsync("bob");
        await OkAsync(await agent.PostJsonAsync("/api/instances", new { definitionId = id }));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/instances", Ct)).StatusCode);
        await OkAsync(await agent.GetAsync("/api/definitions", Ct));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("carol")]
    [InlineData("bob")]
    public async Task ChangeCalendar_IsForAnyoneSignedIn_AndShowsWhenButNotTheDetails(string user)
    {
        var number = "CHG9" + Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = DateTimeOffset.UtcNow.AddDays(3);
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
            db.Tickets.Add(new ItsmWorkflows.Server.Data.TicketRecord
            {
                Id = Guid.NewGuid().ToString("N"), Number = number, Kind = ItsmWorkflows.Server.Data.TicketKind.Change, Title = "Core switch firmware",
                Description = "secret-description", Status = "Scheduled", Requester = "nina", Assignee = "nina", AssignmentGroup = "Network", ChangeType = "normal",
                PlannedStart = start, PlannedEnd = start.AddHours(2), Details = """{ "change": { "implementationPlan": "secret-plan", "affectedServices": [ { "id": "network" } ] } }""",
            });
            await db.SaveChangesAsync(Ct);
        }
        var client = await fixture.ClientAsync(user);
        var response = await client.GetAsync($"/api/changes/calendar?from={Uri.EscapeDataString(start.AddDays(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddDays(1).ToString("O"))}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        var entry = JsonNode.Parse(text)!["changes"]!.AsArray().Single(c => c!["number"]!.GetValue<string>() == number)!;
        Assert.Equal(("Core switch firmware", "network"), (entry["title"]!.GetValue<string>(), entry["services"]![0]!.GetValue<string>()));
        // What a change calendar publishes, and no more: no description, plans or people.
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("nina", text, StringComparison.Ordinal);
        // Only reading is open to everyone: raising is still for staff.
        if (user != "bob") Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync("/api/changes", new { })).StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("dave", HttpStatusCode.Forbidden)]
    [InlineData("bob", HttpStatusCode.Forbidden)]
    [InlineData("erin", HttpStatusCode.OK)]
    public async Task JobDashboard_IsForAdminsOnly(string? user, HttpStatusCode expected)
    {
        var client = await fixture.ClientAsync(user);
        Assert.Equal(expected, (await client.GetAsync("/ops/jobs", Ct)).StatusCode);
    }

    [Fact]
    public async Task JobDashboard_SendsABrowserThatIsNotSignedIn_ToTheSignInPage()
    {
        var client = await fixture.ClientAsync(null);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/ops/jobs");
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        var answer = await client.SendAsync(page, Ct);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/signin", answer.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("ReturnUrl=%2Fops%2Fjobs", answer.Headers.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInCookies_AreOpenedThroughTheCachingFormat_AndAnAlteredCookieIsStill401()
    {
        var options = fixture.Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>()
            .Get(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme);
        Assert.IsType<ItsmWorkflows.Server.Identity.CachedTicketFormat>(options.TicketDataFormat);

        var client = await fixture.ClientAsync("dave");
        await OkAsync(await client.GetAsync("/account/me", Ct));
        await OkAsync(await client.GetAsync("/account/me", Ct));

        var cookie = options.TicketDataFormat.Protect(new Microsoft.AspNetCore.Authentication.AuthenticationTicket(
            new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "nobody")], "x")), "x"));
        var altered = cookie[..^4] + (cookie[^4] == 'A' ? "B" : "A") + cookie[^3..];
        var stranger = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/account/me");
        request.Headers.Add("Cookie", $"itsm.auth={altered}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.SendAsync(request, Ct)).StatusCode);
    }

    [Fact]
    public void EveryEndpoint_DeclaresWhoMayCallIt()
    {
        // Security by default: an endpoint someone forgot to decide about is a test failure, not an open door.
        var endpoints = fixture.Factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 50);
        var undecided = endpoints.Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is null
            && e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null)
            .Select(e => e.RoutePattern.RawText).ToList();
        Assert.Empty(undecided);
    }

    [Fact]
    public async Task Anonymous_OnlyHealthDocsAndSignIn()
    {
        var client = await fixture.ClientAsync(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/demo-people", Ct)).StatusCode);
    }

    [Fact]
    public async Task Login_BootstrapAdmin_SignsInWithPassword()
    {
        var client = await fixture.ClientAsync(null);
        var response = await client.PostJsonAsync("/account/login", new { userName = ServerFixture.BootstrapAdmin, password = ServerFixture.BootstrapPassword });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var me = await OkAsync(await client.GetAsync("/account/me", Ct));
        Assert.Contains("admin", me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/account/logout", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/account/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task DemoSignIn_IsNotForAnAccountWithAPassword()
    {
        // The demo's people have no password; the bootstrap administrator has one, and the demo's button is no way around it.
        var client = await fixture.ClientAsync(null);
        var refused = await client.PostJsonAsync("/account/demo-sign-in", new { userName = ServerFixture.BootstrapAdmin });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/account/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostJsonAsync("/account/demo-sign-in", new { userName = "dave" })).StatusCode);
        // Nor is the administrator offered among the demo's people (the button failed); the page has a password form for him.
        var offered = await OkAsync(await client.GetAsync("/account/demo-people", Ct));
        Assert.DoesNotContain(offered.AsArray(), p => p!["userName"]!.GetValue<string>() == ServerFixture.BootstrapAdmin);
        Assert.Contains(offered.AsArray(), p => p!["userName"]!.GetValue<string>() == "dave");
        var page = await (await client.GetAsync("/signin", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain($"data-user=\"{ServerFixture.BootstrapAdmin}\"", page, StringComparison.Ordinal);
        Assert.Contains("type=\"password\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongPassword_Is401WithoutSayingWhichPartWasWrong()
    {
        var client = await fixture.ClientAsync(null);
        var response = await client.PostJsonAsync("/account/login", new { userName = "dave", password = "not-the-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        const string wrong = "The user name or password is wrong. After five wrong passwords in a row, sign-in waits a few minutes.";
        Assert.Equal(wrong, (await ReadAsync(response))["detail"]!.GetValue<string>());
        var unknown = await client.PostJsonAsync("/account/login", new { userName = "nobody", password = "x" });
        Assert.Equal(wrong, (await ReadAsync(unknown))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_LockedOut_AnswersAsAnyFailure_SoItDoesNotTellWhichNamesExist()
    {
        // It answered 423 "Locked out" on the fifth wrong password, which an unknown name never got.
        var userName = "locked-" + Guid.NewGuid().ToString("N")[..6];
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ItsmWorkflows.Server.Data.Person>>();
            Assert.True((await users.CreateAsync(new ItsmWorkflows.Server.Data.Person { UserName = userName, DisplayName = "Locked Person" }, "a long enough passphrase")).Succeeded);
        }
        var client = await fixture.ClientAsync(null);
        var answers = new List<(HttpStatusCode, string)>();
        for (var i = 0; i < 6; i++)
        {
            var wrong = await client.PostJsonAsync("/account/login", new { userName, password = "not it" });
            answers.Add((wrong.StatusCode, (await ReadAsync(wrong))["detail"]!.GetValue<string>()));
        }
        var unknown = await client.PostJsonAsync("/account/login", new { userName = "nobody-at-all", password = "not it" });
        var expected = (HttpStatusCode.Unauthorized, (await ReadAsync(unknown))["detail"]!.GetValue<string>());
        Assert.All(answers, a => Assert.Equal(expected, a));
        // Locked now: even the right password is refused for a while, in the same words.
        var right = await client.PostJsonAsync("/account/login", new { userName, password = "a long enough passphrase" });
        Assert.Equal(expected, (right.StatusCode, (await ReadAsync(right))["detail"]!.GetValue<string>()));
    }
}
