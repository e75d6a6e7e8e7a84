using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Calendars;

/// <summary>Business calendars from the database, for due times and SLA clocks counted in working hours.</summary>
internal sealed class DbCalendarProvider(IServiceScopeFactory scopes) : IBusinessCalendarProvider
{
    public async ValueTask<BusinessCalendar?> FindAsync(string name, CancellationToken cancellationToken)
    {
        if (string.Equals(name, BusinessCalendar.AlwaysOpen.Name, StringComparison.OrdinalIgnoreCase)) return BusinessCalendar.AlwaysOpen;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var json = await db.Calendars.AsNoTracking().Where(c => c.Name == name).Select(c => c.Json).FirstOrDefaultAsync(cancellationToken);
        return json is null ? null : BusinessCalendar.FromJson(JsonNode.Parse(json)!.AsObject());
    }
}

/// <summary>/api/calendars: everyone signed in reads; process owners and admins define.</summary>
internal static class CalendarEndpoints
{
    public const string DemoCalendar = """
        { "name": "business-hours", "timeZone": "Europe/London",
          "hours": { "monday": ["09:00-17:30"], "tuesday": ["09:00-17:30"], "wednesday": ["09:00-17:30"], "thursday": ["09:00-17:30"], "friday": ["09:00-17:30"] },
          "holidays": ["2026-12-25", "2026-12-28", "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"] }
        """;

    public static void MapCalendarEndpoints(this WebApplication app)
    {
        var calendars = app.MapGroup("/api/calendars").WithTags("Calendars").RequireAuthorization(Policies.SignedIn);
        calendars.MapGet("", async (ItsmDbContext db, CancellationToken ct) =>
        {
            var rows = await db.Calendars.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
            return new JsonArray([BusinessCalendar.AlwaysOpen.ToJson(), .. rows.Select(r => (JsonNode?)JsonNode.Parse(r.Json))]);
        }).WithSummary("Business calendars, with the built-in 24x7.");
        calendars.MapGet("/{name}", async (string name, IBusinessCalendarProvider provider, CancellationToken ct) =>
            (await provider.FindAsync(name, ct) ?? throw ProblemException.NotFound($"There is no business calendar '{name}'.")).ToJson());
        calendars.MapPut("/{name}", async (string name, JsonObject body, ClaimsPrincipal user, ItsmDbContext db, TimeProvider time, CancellationToken ct) =>
        {
            body["name"] = name;
            BusinessCalendar calendar;
            try
            {
                calendar = BusinessCalendar.FromJson(body);
            }
            catch (FormatException ex)
            {
                throw ProblemException.BadRequest(ex.Message);
            }
            catch (InvalidOperationException ex)
            {
                throw ProblemException.BadRequest($"The calendar is not well formed: {ex.Message}");
            }
            if (string.Equals(name, BusinessCalendar.AlwaysOpen.Name, StringComparison.OrdinalIgnoreCase)) throw ProblemException.Conflict("'24x7' is built in and cannot be changed.");
            if (name.Length > 128 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))) throw ProblemException.BadRequest("A calendar name uses letters, digits, '-', '_' and '.', at most 128.");
            var row = await db.Calendars.FirstOrDefaultAsync(c => c.Name == name, ct);
            if (row is null)
            {
                row = new CalendarRecord { Name = name, Json = "" };
                db.Calendars.Add(row);
            }
            row.Json = calendar.ToJson().ToJsonString();
            row.UpdatedAt = time.GetUtcNow();
            row.UpdatedBy = user.Identity?.Name;
            await db.SaveChangesAsync(ct);
            return calendar.ToJson();
        }).RequireAuthorization(Policies.DesignWorkflows).WithSummary("Creates or replaces a calendar: { timeZone, hours: { monday: [\"09:00-17:30\"] }, holidays: [\"2026-12-25\"] }.");
        calendars.MapDelete("/{name}", async (string name, ItsmDbContext db, CancellationToken ct) =>
        {
            if (!await db.Calendars.AnyAsync(c => c.Name == name, ct)) throw ProblemException.NotFound($"There is no business calendar '{name}'.");
            // Checked, not locked: a use added between the check and the delete is not seen (deleting is rare and deliberate).
            var uses = await CalendarUsage.FindAsync(db, name, ct);
            if (uses.Count > 0)
            {
                throw ProblemException.Conflict($"The business calendar '{name}' is in use, so it was not deleted: {string.Join("; ", uses)}. Move them to another calendar first (or let the clocks finish).",
                    new Dictionary<string, object?> { ["usedBy"] = uses });
            }
            await db.Calendars.Where(c => c.Name == name).ExecuteDeleteAsync(ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.DesignWorkflows).WithSummary("Deletes a calendar nothing uses; 409 names the SLA definitions, services, running clocks and workflow versions that still do.");
        calendars.MapGet("/{name}/due", async (string name, DateTimeOffset from, TimeSpan duration, IBusinessCalendarProvider provider, CancellationToken ct) =>
        {
            var calendar = await provider.FindAsync(name, ct) ?? throw ProblemException.NotFound($"There is no business calendar '{name}'.");
            if (duration < TimeSpan.Zero) throw ProblemException.BadRequest("The duration cannot be negative.");
            return new { from, duration, due = calendar.Add(from.ToUniversalTime(), duration) };
        }).WithSummary("When a duration of working time from an instant ends on this calendar (a due-date preview).");
    }
}
