using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Change windows and blackouts sent with an offset (10:00+02:00) are the moments they say, on the embedded SQLite,
/// which compares stored times as written: clash checks and the calendar see 08:00 UTC, whatever the sender's zone.
/// </summary>
public sealed class ChangeWindowOffsetTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static readonly string[] Network = ["network"];

    [Fact]
    public async Task AWindowSentWithAnOffset_ClashesAndShowsAtItsMoment()
    {
        await ImportAsync(fixture);
        var nina = await fixture.ClientAsync("nina");
        var day = fixture.EngineClock.GetUtcNow().Date.AddDays(20);
        var ten = new DateTimeOffset(day.Year, day.Month, day.Day, 10, 0, 0, TimeSpan.FromHours(2)); // 08:00 UTC
        async Task<string> RaiseAsync(string title, DateTimeOffset start, DateTimeOffset end)
        {
            var created = await OkAsync(await nina.PostJsonAsync("/api/changes", await FromTestTemplateAsync(fixture, new { title, type = "standard", services = Network, plannedStart = start, plannedEnd = end })));
            await SettleAsync(fixture);
            return created["number"]!.GetValue<string>();
        }

        var first = await RaiseAsync("Swap the core switch fan", ten, ten.AddHours(1));
        // 08:30–09:30 UTC overlaps 08:00–09:00 UTC, though 08:30Z sorts before 10:00+02:00 as text.
        var second = await RaiseAsync("Re-cable the core switch", ten.UtcDateTime.AddMinutes(30), ten.UtcDateTime.AddMinutes(90));
        Assert.Equal(("Scheduled", "On hold: conflict"), (await StatusAsync(nina, first), await StatusAsync(nina, second)));

        var detail = await TicketAsync(nina, first);
        Assert.Equal(ten, detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>());
        // The calendar for 08:45–08:50 UTC has the first change in it.
        var from = Uri.EscapeDataString(ten.UtcDateTime.AddMinutes(45).ToString("O"));
        var to = Uri.EscapeDataString(ten.UtcDateTime.AddMinutes(50).ToString("O"));
        var calendar = await OkAsync(await nina.GetAsync($"/api/changes/calendar?from={from}&to={to}", Ct));
        Assert.Contains(calendar["changes"]!.AsArray(), c => c!["number"]!.GetValue<string>() == first);

        // "Moving" it to the window it has (said in UTC this time) is not a move: it would only send it back for authorization.
        var same = await nina.PostJsonAsync($"/api/changes/{first}/reschedule", new { plannedStart = ten.UtcDateTime, plannedEnd = ten.UtcDateTime.AddHours(1) });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, same.StatusCode);
        Assert.Contains("already", (await ReadAsync(same))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var empty = await nina.PostAsync($"/api/changes/{first}/reschedule", Body("{}"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("'plannedStart' and 'plannedEnd'", (await ReadAsync(empty))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // A time without its offset would be read in the server's own zone: refused, naming it.
        var local = ten.UtcDateTime.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var zoneless = await nina.PostAsync($"/api/changes/{first}/reschedule", Body("{ \"plannedStart\": \"" + local + "\", \"plannedEnd\": \"" + local + "Z\" }"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, zoneless.StatusCode);
        Assert.Contains($"'{local}' at '$.plannedStart' has no offset", (await ReadAsync(zoneless))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Scheduled", await StatusAsync(nina, first));
    }
}
