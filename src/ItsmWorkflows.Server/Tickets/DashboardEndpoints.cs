using System.Globalization;
using System.Text.Json;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

internal sealed record OpenWorkDto(string Group, int Requests, int Tasks, int Changes, int Incidents, int Total);

internal sealed record SlaWeekDto(string Week, int Met, int Breached, int Running);

internal sealed record ServiceSlaDto(string ServiceId, string Service, double? Attainment, int Met, int Breached, IReadOnlyList<SlaWeekDto> Weeks);

/// <summary>Changes that ended in a week: implemented (Closed), failed (Closed incomplete: backed out), rejected, cancelled; and of those, how many of each type.</summary>
internal sealed record ChangeWeekDto(string Week, int Successful, int Failed, int Rejected, int Cancelled, int Standard, int Normal, int Emergency);

/// <summary>
/// The change manager's figures over the weeks asked for: the success rate (implemented ÷ implemented or failed), and
/// the share of emergency and standard changes among those that ended (a rising emergency share is a planning problem;
/// a rising standard share, routine work moving off the CAB's table).
/// </summary>
internal sealed record ChangeOutcomesDto(double? SuccessRate, int Successful, int Failed, int Rejected, int Cancelled, double? EmergencyShare, double? StandardShare, IReadOnlyList<ChangeWeekDto> Weeks);

internal sealed record DashboardDto(DateTimeOffset At, IReadOnlyList<string> Weeks, IReadOnlyList<OpenWorkDto> OpenByGroup, IReadOnlyList<ServiceSlaDto> SlaByService, IReadOnlyList<SlaWeekDto> AllServices, ChangeOutcomesDto Changes);

/// <summary>
/// /api/dashboard, for staff: open work per assignment group, SLA attainment and breaches per service per
/// week (by the week the ticket was raised), and how changes ended per week. A clock counts as met once stopped within its target, breached
/// once past its target (stopped or not), and running otherwise; attainment is met / (met + breached).
/// </summary>
internal static class DashboardEndpoints
{
    public const int MaxWeeks = 26;

    /// <summary>Tickets read for the SLA figures at most; more than this in the window is refused with advice.</summary>
    public const int MaxTickets = 20_000;

    public static void MapDashboardEndpoints(this WebApplication app) =>
        app.MapGet("/api/dashboard", GetAsync).WithTags("Tickets").RequireAuthorization(Policies.StartWorkflows)
            .WithSummary("Open work per group; SLA attainment and breaches per service per week over the last 'weeks' weeks (default 8, at most 26).");

    private static async Task<DashboardDto> GetAsync(int? weeks, ItsmDbContext db, WorkflowServices services, IBusinessCalendarProvider calendars, CancellationToken ct)
    {
        var span = weeks ?? 8;
        if (span is < 1 or > MaxWeeks) throw ProblemException.BadRequest($"Ask for 1 to {MaxWeeks} weeks, not {span}.");
        var now = services.Time.GetUtcNow();
        var thisWeek = WeekOf(now);
        var from = thisWeek.AddDays(-7 * (span - 1));
        var weekKeys = Enumerable.Range(0, span).Select(i => Key(from.AddDays(7 * i))).ToList();

        var open = await db.Tickets.AsNoTracking().Where(t => t.ClosedAt == null)
            .GroupBy(t => new { t.AssignmentGroup, t.Kind }).Select(g => new { g.Key.AssignmentGroup, g.Key.Kind, Count = g.Count() }).ToListAsync(ct);
        var openByGroup = open.GroupBy(o => o.AssignmentGroup ?? "(unassigned)")
            .Select(g => new OpenWorkDto(g.Key,
                g.Where(o => o.Kind == TicketKind.Request).Sum(o => o.Count), g.Where(o => o.Kind == TicketKind.Task).Sum(o => o.Count),
                g.Where(o => o.Kind == TicketKind.Change).Sum(o => o.Count), g.Where(o => o.Kind == TicketKind.Incident).Sum(o => o.Count), g.Sum(o => o.Count)))
            .OrderByDescending(g => g.Total).ThenBy(g => g.Group, StringComparer.Ordinal).ToList();

        // SLA outcomes: the clocks live in each ticket's workflow state. A task shares its request's (or change's)
        // instance and so its clocks: counting tasks too would count the parent's clocks once more per task.
        var tickets = await db.Tickets.AsNoTracking().Where(t => t.InstanceId != null && t.Kind != TicketKind.Task && t.CreatedAt >= from)
            .OrderBy(t => t.CreatedAt).Select(t => new { t.ServiceId, t.InstanceId, t.CreatedAt }).Take(MaxTickets + 1).ToListAsync(ct);
        if (tickets.Count > MaxTickets) throw ProblemException.BadRequest($"More than {MaxTickets:N0} tickets were raised in {span} weeks; ask for fewer weeks.");
        var instanceIds = tickets.Select(t => t.InstanceId!).ToList();
        var states = new Dictionary<string, (string State, WorkflowSubStatus SubStatus, DateTimeOffset? FinishedAt)>(StringComparer.Ordinal);
        foreach (var chunk in instanceIds.Chunk(500))
        {
            foreach (var row in await db.Instances.AsNoTracking().Where(i => chunk.Contains(i.Id)).Select(i => new { i.Id, i.State, i.SubStatus, i.FinishedAt }).ToListAsync(ct))
            {
                states[row.Id] = (row.State, row.SubStatus, row.FinishedAt);
            }
        }
        var outcomes = new List<(string Service, string Week, string Outcome)>();
        var calendarCache = new Dictionary<string, BusinessCalendar>(StringComparer.OrdinalIgnoreCase);
        foreach (var ticket in tickets)
        {
            if (ticket.ServiceId is null || !states.TryGetValue(ticket.InstanceId!, out var instance)) continue;
            foreach (var clock in Clocks(instance.State).Select(c => c.SettledBy(instance.SubStatus, instance.FinishedAt)))
            {
                if (!calendarCache.TryGetValue(clock.Calendar, out var calendar))
                {
                    calendar = await calendars.FindAsync(clock.Calendar, ct) ?? BusinessCalendar.AlwaysOpen;
                    calendarCache[clock.Calendar] = calendar;
                }
                var standing = clock.State(calendar, now);
                if (standing == "cancelled") continue; // called off with its ticket: neither met nor breached
                var outcome = standing == "paused" ? "running" : standing; // a paused clock is still open
                outcomes.Add((ticket.ServiceId, Key(WeekOf(ticket.CreatedAt)), outcome));
            }
        }
        var names = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var byService = outcomes.GroupBy(o => o.Service).Select(g => Summarize(g.Key, names.GetValueOrDefault(g.Key) ?? g.Key, g, weekKeys))
            .OrderBy(s => s.Service, StringComparer.Ordinal).ToList();
        var all = Summarize("", "All services", outcomes, weekKeys);
        return new DashboardDto(now, weekKeys, openByGroup, byService, all.Weeks, await ChangeOutcomesAsync(db, from, weekKeys, ct));
    }

    /// <summary>Changes by the week they ended (closed, rejected or cancelled), read as the columns only: a few rows per change manager's week.</summary>
    private static async Task<ChangeOutcomesDto> ChangeOutcomesAsync(ItsmDbContext db, DateTimeOffset from, List<string> weekKeys, CancellationToken ct)
    {
        var ended = await db.Tickets.AsNoTracking().Where(t => t.Kind == TicketKind.Change && t.ClosedAt != null && t.ClosedAt >= from)
            .Select(t => new { t.Status, t.ChangeType, t.ClosedAt }).ToListAsync(ct);
        static string Outcome(string status) => status switch
        {
            TicketStatuses.Closed => "successful",
            _ when status.StartsWith(TicketStatuses.Closed, StringComparison.OrdinalIgnoreCase) => "failed", // Closed incomplete: backed out
            TicketStatuses.Cancelled => "cancelled",
            _ => "rejected",
        };
        var rows = ended.Select(t => (Week: Key(WeekOf(t.ClosedAt!.Value)), Outcome: Outcome(t.Status), Type: t.ChangeType ?? "")).ToList();
        var weeks = weekKeys.Select(w =>
        {
            var week = rows.Where(r => r.Week == w).ToList();
            return new ChangeWeekDto(w, week.Count(r => r.Outcome == "successful"), week.Count(r => r.Outcome == "failed"), week.Count(r => r.Outcome == "rejected"),
                week.Count(r => r.Outcome == "cancelled"), week.Count(r => r.Type == "standard"), week.Count(r => r.Type == "normal"), week.Count(r => r.Type == "emergency"));
        }).ToList();
        int Sum(Func<ChangeWeekDto, int> f) => weeks.Sum(f);
        double? Percent(int part, int whole) => whole == 0 ? null : Math.Round(100.0 * part / whole, 1);
        var (successful, failed, total) = (Sum(w => w.Successful), Sum(w => w.Failed), rows.Count);
        return new ChangeOutcomesDto(Percent(successful, successful + failed), successful, failed, Sum(w => w.Rejected), Sum(w => w.Cancelled),
            Percent(Sum(w => w.Emergency), total), Percent(Sum(w => w.Standard), total), weeks);
    }

    private static ServiceSlaDto Summarize(string id, string name, IEnumerable<(string Service, string Week, string Outcome)> outcomes, List<string> weekKeys)
    {
        var list = outcomes.ToList();
        var weeks = weekKeys.Select(w => new SlaWeekDto(w,
            list.Count(o => o.Week == w && o.Outcome == "met"), list.Count(o => o.Week == w && o.Outcome == "breached"), list.Count(o => o.Week == w && o.Outcome == "running"))).ToList();
        var met = weeks.Sum(w => w.Met);
        var breached = weeks.Sum(w => w.Breached);
        return new ServiceSlaDto(id, name, met + breached == 0 ? null : Math.Round(100.0 * met / (met + breached), 1), met, breached, weeks);
    }

    private static readonly JsonSerializerOptions ClockJson = new(JsonSerializerDefaults.Web);

    private static List<SlaClock> Clocks(string stateJson)
    {
        using var document = JsonDocument.Parse(stateJson);
        if (!document.RootElement.TryGetProperty("properties", out var properties) || !properties.TryGetProperty("sla", out var sla) || sla.ValueKind != JsonValueKind.Object) return [];
        var clocks = new List<SlaClock>();
        foreach (var clock in sla.EnumerateObject())
        {
            if (clock.Value.ValueKind != JsonValueKind.Object) continue;
            try
            {
                clocks.Add(clock.Value.Deserialize<SlaClock>(ClockJson) ?? throw new JsonException("empty"));
            }
            catch (JsonException)
            {
                // checkpoint: a clock that does not read is left out of the figures rather than failing the dashboard.
            }
        }
        return clocks;
    }

    /// <summary>Monday 00:00 UTC of the week <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset WeekOf(DateTimeOffset at)
    {
        var day = at.UtcDateTime.Date;
        return new DateTimeOffset(day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), TimeSpan.Zero);
    }

    private static string Key(DateTimeOffset week) => week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
