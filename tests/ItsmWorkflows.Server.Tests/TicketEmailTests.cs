using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The emails about a ticket: who may read whose address on its page, and what the email about a task says.</summary>
public sealed class TicketEmailTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task<string> PersonAsync(string prefix, string displayName, string? emailLocalPart = null, string? managerUserName = null)
    {
        var userName = prefix + Guid.NewGuid().ToString("N")[..6];
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var manager = managerUserName is null ? null : await users.FindByNameAsync(managerUserName);
        var created = await users.CreateAsync(new Person { UserName = userName, Email = $"{emailLocalPart ?? userName}@example.test", DisplayName = displayName, ManagerId = manager?.Id });
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        return userName;
    }

    [Fact]
    public async Task Detail_ForItsRequester_ShowsEachEmailAndItsSubject_ButNobodyElsesAddress_WhileStaffSeeTheRecipients()
    {
        await ImportAsync(fixture);
        // Her manager approves her laptop; the mail server refuses his address for good, naming it in its reply.
        var refused = "reject-mark" + Guid.NewGuid().ToString("N")[..6];
        var managerAddress = refused + "@example.test";
        var manager = await PersonAsync("mark", "Mark Manager", emailLocalPart: refused);
        var requester = await PersonAsync("rose", "Rose Requester", managerUserName: manager);
        var rose = await fixture.ClientAsync(requester);
        var number = (await OkAsync(await rose.PostJsonAsync("/api/requests", new { catalogItemId = "new-laptop", answers = new { model = "Performance 16\"", reason = "Renders" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);

        var seenByRose = (await TicketAsync(rose, number))["emails"]!.AsArray();
        var approvalMail = Assert.Single(seenByRose, e => e!["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal))!;
        Assert.Empty(approvalMail["to"]!.AsArray());
        Assert.True(approvalMail["failed"]!.GetValue<bool>()); // she still learns it could not be delivered, and why
        Assert.Contains("Recipient address rejected", approvalMail["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(managerAddress, seenByRose.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        // Her own address is hers to see.
        var received = Assert.Single(seenByRose, e => e!["subject"]!.GetValue<string>() == $"We received your request {number}")!;
        Assert.Contains($"{requester}@example.test", Assert.Single(received["to"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);

        // Staff see whom each email went to.
        var seenByBob = (await TicketAsync(await fixture.ClientAsync("bob"), number))["emails"]!.AsArray();
        var approvalForStaff = Assert.Single(seenByBob, e => e!["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal))!;
        Assert.Equal([managerAddress], approvalForStaff["to"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains(managerAddress, approvalForStaff["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }
}
