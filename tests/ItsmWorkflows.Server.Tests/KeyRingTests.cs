using System.Net;
using System.Net.Http.Json;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// The keys that protect sign-in cookies and forms live in the database: every node on it reads the same ring, and a
/// restart, a new release folder or a new container signs nobody out.
/// </summary>
public sealed class KeyRingTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task TheKeyRing_IsInTheDatabase_AndACookieFromOneNode_WorksOnAnother()
    {
        var first = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var signIn = await first.PostAsJsonAsync("/account/login", new { userName = ServerFixture.BootstrapAdmin, password = ServerFixture.BootstrapPassword }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("itsm.auth=", StringComparison.Ordinal));

        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var keys = await scope.ServiceProvider.GetRequiredService<ItsmDbContext>().DataProtectionKeys.AsNoTracking().ToListAsync(Ct);
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.Contains("<key ", k.Xml, StringComparison.Ordinal));
        }

        await using var second = fixture.CreateNode();
        var other = second.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using var me = new HttpRequestMessage(HttpMethod.Get, "/account/me");
        me.Headers.Add("Cookie", cookie);
        var answer = await other.SendAsync(me, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(ServerFixture.BootstrapAdmin, (await ReadAsync(answer))["userName"]!.GetValue<string>());
    }
}
