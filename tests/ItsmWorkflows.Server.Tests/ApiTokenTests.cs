using System.Net;
using System.Net.Http.Headers;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Personal API tokens on PostgreSQL: a monitoring system's webhook or a script calls as the person the token was
/// made for, with their roles and nothing more; the database keeps only the token's hash; revoked, expired and
/// unknown tokens are refused.
/// </summary>
public sealed class ApiTokenTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private HttpClient Bearer(string token)
    {
        var client = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<(string Id, string Token)> MakeAsync(string person, object body)
    {
        var made = await OkAsync(await (await fixture.ClientAsync(person)).PostJsonAsync("/api/tokens", body));
        return (made["details"]!["id"]!.GetValue<string>(), made["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task AToken_ActsAsItsPerson_WithTheirRoles_AndIsStoredOnlyAsItsHash()
    {
        var (id, token) = await MakeAsync("dave", new { name = "Monitoring webhook" });
        Assert.StartsWith("itsm_", token, StringComparison.Ordinal);

        using var script = Bearer(token);
        var me = await OkAsync(await script.GetAsync("/account/me", Ct));
        Assert.Equal("dave", me["userName"]!.GetValue<string>());
        // A process owner's token changes definitions, as he can; no cookie, no browser headers needed.
        var definitionId = "tok-" + Guid.NewGuid().ToString("N")[..8];
        var created = await script.PostAsync("/api/definitions", Body($$"""
            { "definitionId": "{{definitionId}}", "name": "By token", "root": { "type": "Elsa.Sequence", "id": "S", "activities": [
              { "id": "Say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "hi" } } } ] } }
            """), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // A requester's token is a requester: no definitions.
        var (_, alices) = await MakeAsync("alice", new { name = "My script" });
        using var alice = Bearer(alices);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/definitions", Ct)).StatusCode);

        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var stored = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id, Ct);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), stored.TokenHash);
        Assert.Equal(token[..9], stored.Hint);
        Assert.NotNull(stored.LastUsedAt);
        // The list never shows a token again.
        var listed = await OkAsync(await (await fixture.ClientAsync("dave")).GetAsync("/api/tokens", Ct));
        Assert.Contains(listed.AsArray(), t => t!["id"]!.GetValue<string>() == id && t["name"]!.GetValue<string>() == "Monitoring webhook");
        Assert.DoesNotContain(token, listed.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_Expired_AndUnknownTokens_AreRefused()
    {
        var (id, token) = await MakeAsync("bob", new { name = "Revoke me" });
        using var script = Bearer(token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/account/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await (await fixture.ClientAsync("bob")).DeleteAsync($"/api/tokens/{id}", Ct)).StatusCode);
        var refused = await script.GetAsync("/api/tickets", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // It says the token is the trouble, not to go and sign in.
        Assert.Contains("The API token is unknown, revoked or expired", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // One that ran out: stored as a token made 100 days ago for 90.
        var expired = "itsm_" + Guid.NewGuid().ToString("N");
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            db.ApiTokens.Add(new ApiTokenRecord
            {
                Id = Guid.NewGuid().ToString("N"), Name = "Old", UserName = "bob", TokenHash = ItsmWorkflows.Server.Identity.ApiTokenAuthentication.Hash(expired),
                Hint = expired[..9], CreatedAt = DateTimeOffset.UtcNow.AddDays(-100), CreatedBy = "bob", ExpiresAt = DateTimeOffset.UtcNow.AddDays(-10),
            });
            await db.SaveChangesAsync(Ct);
        }
        using var old = Bearer(expired);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/account/me", Ct)).StatusCode);
        using var unknown = Bearer("itsm_" + new string('x', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknown.GetAsync("/api/tickets", Ct)).StatusCode);
    }

    [Fact]
    public async Task AToken_KeepsWorking_WhileItsPersonsSignInIsLockedOut()
    {
        // Five wrong passwords from anyone lock the sign-in for minutes; they must not switch off a monitoring webhook.
        var (_, token) = await MakeAsync("frank", new { name = "Monitoring" });
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Person>>();
            var frank = (await users.FindByNameAsync("frank"))!;
            await users.SetLockoutEndDateAsync(frank, DateTimeOffset.UtcNow.AddMinutes(5));
            Assert.True(await users.IsLockedOutAsync(frank));
        }
        using var monitoring = Bearer(token);
        Assert.Equal(HttpStatusCode.OK, (await monitoring.GetAsync("/account/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task Tokens_AreMadeForOthersOnlyByAnAdministrator_NeverWithAToken_AndDoNotLastForEver()
    {
        var alice = await fixture.ClientAsync("alice");
        var forOther = await alice.PostJsonAsync("/api/tokens", new { name = "Sneaky", userName = "dave" });
        Assert.Equal(HttpStatusCode.Forbidden, forOther.StatusCode);
        Assert.Contains("Only an administrator", (await ReadAsync(forOther))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.PostJsonAsync("/api/tokens", new { name = "Forever", expiresInDays = 5000 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.PostJsonAsync("/api/tokens", new { name = " " })).StatusCode);

        // An administrator makes one for the monitoring system's account; it acts as that account.
        var (_, token) = await MakeAsync("erin", new { name = "Monitoring", userName = "ivan", expiresInDays = 30 });
        using var monitoring = Bearer(token);
        Assert.Equal("ivan", (await OkAsync(await monitoring.GetAsync("/account/me", Ct)))["userName"]!.GetValue<string>());
        // A token does not make tokens (they would outlive its revocation).
        var offspring = await monitoring.PostJsonAsync("/api/tokens", new { name = "Child" });
        Assert.Equal(HttpStatusCode.Forbidden, offspring.StatusCode);
    }

    [Fact]
    public async Task AWebhookThatRequiresSignIn_TakesAToken_FromAMachine()
    {
        // What monitoring needs: an endpoint only callers with start-workflows may start, called with a token.
        var path = "alert-" + Guid.NewGuid().ToString("N")[..6];
        var definition = $$"""
            { "definitionId": "wh-{{path}}", "name": "Alert", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
                "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } },
                "authorize": { "typeName": "Boolean", "expression": { "type": "Literal", "value": true } },
                "policy": { "typeName": "String", "expression": { "type": "Literal", "value": "start-workflows" } } },
              { "id": "Out", "type": "Elsa.WriteHttpResponse",
                "statusCode": { "typeName": "HttpStatusCode", "expression": { "type": "Literal", "value": "Accepted" } },
                "content": { "typeName": "Object", "expression": { "type": "Literal", "value": "opened" } } } ],
              "connections": [ { "source": { "activity": "In", "port": "Done" }, "target": { "activity": "Out", "port": "In" } } ] } }
            """;
        await OkAsync(await (await fixture.ClientAsync("dave")).PostAsync("/api/definitions/import?publish=true", Body(definition), Ct));
        var (_, agentToken) = await MakeAsync("bob", new { name = "Monitoring" });
        var (_, requesterToken) = await MakeAsync("alice", new { name = "Mine" });

        using var monitoring = Bearer(agentToken);
        Assert.Equal(HttpStatusCode.Accepted, (await monitoring.PostAsync($"/workflows/{path}", Body("""{"host":"db01"}"""), Ct)).StatusCode);
        using var anonymous = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/workflows/{path}", Body("{}"), Ct)).StatusCode);
        using var requester = Bearer(requesterToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await requester.PostAsync($"/workflows/{path}", Body("{}"), Ct)).StatusCode);
    }
}
