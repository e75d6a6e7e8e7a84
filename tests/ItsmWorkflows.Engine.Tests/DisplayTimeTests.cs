using ItsmWorkflows.Engine.Expressions;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Times in emails and histories, in the organisation's zone and named after it, daylight saving included.</summary>
public sealed class DisplayTimeTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void Format_ShowsTheLocalTime_NamedByItsZone_AcrossDaylightSaving()
    {
        Assert.Equal("2026-12-05 11:00 Europe/Berlin", DisplayTime.Format(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero), Berlin));
        Assert.Equal("2026-07-01 12:00 Europe/Berlin", DisplayTime.Format(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), Berlin));
        // The night the clocks go back: 00:30 and 01:30 UTC are both 02:30 in Berlin, an hour apart; the offset tells which.
        Assert.Equal("2026-10-25 02:30 (UTC+02:00) Europe/Berlin", DisplayTime.Format(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), Berlin));
        Assert.Equal("2026-10-25 02:30 (UTC+01:00) Europe/Berlin", DisplayTime.Format(new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero), Berlin));
        Assert.Equal("2026-12-05 10:00 UTC", DisplayTime.Format(new DateTimeOffset(2026, 12, 5, 11, 0, 0, TimeSpan.FromHours(1)), TimeZoneInfo.Utc));
        Assert.Equal("2026-12-05 10:00 UTC", DisplayTime.Format(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero), TimeZoneInfo.FindSystemTimeZoneById("Etc/UTC")));
        Assert.Equal("2026-12-05 10:00–2026-12-05 12:00 UTC", DisplayTime.FormatWindow(new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero), new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc));
    }

    [Fact]
    public async Task Scripts_AndTemplates_ShowTimesInTheOrganisationsZone()
    {
        var h = new EngineHarness(timeZone: Berlin);
        var definition = Flowchart(string.Join(",",
            WriteLineJs("Js", "formatDateTime('2026-12-05T10:00:00+00:00') + ' | ' + formatWindow('2026-12-05T10:00:00Z', '2026-12-05T12:00:00Z') + ' | ' + formatDateTime('not a time') + ' | ' + formatDateTime('2026-12-05T10:00:00')"),
            Activity("Liquid", "Elsa.WriteLine", Input("text", "Liquid", "{{ '2026-07-01T10:00:00Z' | when }} / {{ 'soon' | when }}", "String"))),
            Connect("Js", "Liquid"));

        await h.StartAsync(definition);

        // A time without an offset is UTC, whatever zone the server's machine runs in.
        Assert.Equal(["2026-12-05 11:00 Europe/Berlin | 2026-12-05 11:00–2026-12-05 13:00 Europe/Berlin | not a time | 2026-12-05 11:00 Europe/Berlin", "2026-07-01 12:00 Europe/Berlin / soon"], h.Output.Lines);
    }

    [Fact]
    public async Task TheSlaWarning_SaysWhenItIsDue_InTheOrganisationsZone()
    {
        var h = new EngineHarness(timeZone: Berlin);
        await h.StartAsync(Flowchart(Activity("Warn", "Itsm.NotifyRequester", string.Join(",", Literal("requester", "pat@example.org"), Literal("template", "sla-warning"),
            Js("model", "({ number: 'INC0000007', percent: 75, sla: 'resolution', dueAt: '2026-12-05T16:00:00Z' })"))), ""));

        var message = ItsmWorkflows.Engine.Activities.Email.EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.Contains("It is due 2026-12-05 17:00 Europe/Berlin.", message.TextBody, StringComparison.Ordinal);
    }
}
