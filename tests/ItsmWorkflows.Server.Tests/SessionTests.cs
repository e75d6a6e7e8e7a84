using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Sign-in cookies re-checked on every request (the product checks every minute by default).</summary>
public sealed class SqliteSessionCheckFixture : SqliteServerFixture
{
    protected override Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        settings["Identity:SessionCheckInterval"] = "00:00:00";
        return Task.CompletedTask;
    }
}

/// <summary>Signing out ends the session for good: the cookie it was using no longer works, wherever it was copied.</summary>
public sealed class SessionTests(SqliteSessionCheckFixture fixture) : IClassFixture<SqliteSessionCheckFixture>
{
    private HttpClient Client() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static HttpRequestMessage Me(string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/account/me");
        request.Headers.Add("Cookie", cookie);
        return request;
    }

    [Fact]
    public async Task AfterSignOut_TheCookieItUsed_IsRefused()
    {
        var client = Client();
        var login = await client.PostAsJsonAsync("/account/login", new { userName = ServerFixture.BootstrapAdmin, password = ServerFixture.BootstrapPassword }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("itsm.auth=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Me(cookie), Ct)).StatusCode);

        var logout = new HttpRequestMessage(HttpMethod.Post, "/account/logout");
        logout.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout, Ct)).StatusCode);

        // The browser dropped it; a copy kept elsewhere (another tab's export, a proxy log) must not work either.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client().SendAsync(Me(cookie), Ct)).StatusCode);
        // Signing in again works.
        Assert.Equal(HttpStatusCode.NoContent, (await Client().PostAsJsonAsync("/account/login", new { userName = ServerFixture.BootstrapAdmin, password = ServerFixture.BootstrapPassword }, Ct)).StatusCode);
    }
}
