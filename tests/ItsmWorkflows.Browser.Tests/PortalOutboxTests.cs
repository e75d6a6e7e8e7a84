using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>An administrator finds a message the mail server gave up on in the portal's Outbox and sends it again.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task AnAdministrator_RetriesAFailedMessage_FromTheOutboxPage_AndItIsSent()
    {
        var subject = "Stuck " + Guid.NewGuid().ToString("N")[..8];
        await InsertFailedMessageAsync(subject);
        var (context, page) = await fixture.SignedInAsync("erin");
        await using var _ = context;
        await DesignerTests.WithScreenshotOnFailureAsync(page, "outbox-admin", async () =>
        {
            await page.GotoAsync("/portal/");
            await page.GetByRole(AriaRole.Link, new() { Name = "Outbox" }).ClickAsync();
            var row = page.GetByTestId("outbox-failed").GetByRole(AriaRole.Row).Filter(new() { HasText = subject });
            await Expect(row).ToContainTextAsync("451 4.3.2 Mailbox busy");
            await Expect(row).ToContainTextAsync("ops@example.org");

            await row.GetByRole(AriaRole.Button, new() { Name = $"Retry {subject}" }).ClickAsync();

            await Expect(page.GetByTestId("outbox-message")).ToHaveTextAsync($"“{subject}” is queued to be sent now.");
            await Expect(row).ToHaveCountAsync(0);
            // Sent by the server's own delivery job (woken by the retry), into the demo's dev mailbox.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!(await (await page.Context.APIRequest.GetAsync("/api/dev/mailbox")).TextAsync()).Contains(subject, StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline) throw await fixture.ExplainAsync(new TimeoutException($"'{subject}' did not reach the dev mailbox."), page, "/api/mail/outbox");
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }
        });
    }

    /// <summary>A notification the delivery job gave up on after its attempts, written as the job writes one.</summary>
    private async Task InsertFailedMessageAsync(string subject)
    {
        var at = (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(DateTimeOffset.UtcNow)!;
        await using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO outbox (id, kind, payload, instance_id, created_at, available_at, processed_at, attempts, last_error)
            VALUES ($id, 'email', $payload, NULL, $at, $at, $at, 8, 'gave up after 8 attempts; last reply: 451 4.3.2 Mailbox busy, try again later')
            """;
        var id = "browser-" + Guid.NewGuid().ToString("N")[..12];
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$payload", $$"""{"id":"{{id}}","to":["ops@example.org"],"subject":"{{subject}}","textBody":"Hello.","bookmarkId":null}""");
        command.Parameters.AddWithValue("$at", at);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
