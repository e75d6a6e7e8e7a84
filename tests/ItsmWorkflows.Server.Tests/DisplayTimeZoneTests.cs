using System.Globalization;
using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The shipped processes on a server whose organisation works in Berlin (Display:TimeZone), with a real SMTP server.</summary>
public sealed class PostgresSmtpBerlinFixture : PostgresSmtpServerFixture
{
    protected override async Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        await base.AddSettingsAsync(settings);
        settings["Display:TimeZone"] = "Europe/Berlin";
    }
}

/// <summary>Times in emails, approvals, histories and refusals read in the organisation's zone, named, instead of in UTC.</summary>
public sealed class DisplayTimeZoneTests(PostgresSmtpBerlinFixture fixture) : IClassFixture<PostgresSmtpBerlinFixture>
{
    private static readonly string[] Laptops = ["laptops"];

    [Fact]
    public async Task AChangesWindow_ReadsInBerlinTime_InItsApprovalItsScheduleAndAMoveRefused()
    {
        await ImportAsync(fixture);
        await ClearBlackoutsAsync(fixture);
        var now = fixture.EngineClock.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, 10, 0, 0, TimeSpan.Zero).AddDays(12);
        var end = start.AddHours(1);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, berlin).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var window = $"{Local(start)}–{Local(end)} Europe/Berlin";

        var nina = await fixture.ClientAsync("nina");
        var number = (await OkAsync(await nina.PostJsonAsync("/api/changes", new
        {
            title = "Rotate the laptop fleet's Wi-Fi certificates", type = "normal", services = Laptops, plannedStart = start, plannedEnd = end,
            implementationPlan = "Push the profile", backoutPlan = "Push the old profile", testPlan = "Join the office Wi-Fi",
            questionnaire = new { userImpact = "none", tested = true, rollbackTested = true, doneBefore = true },
        })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);

        // The CAB's email gives the window and the decision's deadline in Berlin time, named.
        var asked = (await fixture.Smtp.ReceivedAsync()).Messages.Last(m => m!["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal)
            && m["subject"]!.GetValue<string>().Contains(number, StringComparison.Ordinal))!["text"]!.GetValue<string>();
        Assert.Contains($"Window: {window}", asked, StringComparison.Ordinal);
        Assert.Matches(@"Decide by: \d{4}-\d{2}-\d{2} \d{2}:\d{2} Europe/Berlin", asked);
        Assert.DoesNotContain(" UTC", asked, StringComparison.Ordinal);

        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Change {number} scheduled for {window}");

        // A move to a start already past says when, in the same words.
        var past = now.AddHours(-3);
        var refused = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = past, plannedEnd = now.AddHours(2) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"({Local(past)} Europe/Berlin is past)", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
