using System.Globalization;
using Microsoft.Extensions.Options;
using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Catalog;

/// <summary>
/// The service catalog and its service levels: /api/services, /api/catalog, /api/sla-definitions,
/// /api/priority-matrix, /api/blackout-windows. Everyone signed in reads; process owners and admins define.
/// </summary>
internal static class CatalogEndpoints
{
    public static void MapCatalogEndpoints(this WebApplication app)
    {
        var services = app.MapGroup("/api/services").WithTags("Catalog").RequireAuthorization(Policies.SignedIn);
        services.MapGet("", async (ItsmDbContext db, CancellationToken ct) =>
            (await db.Services.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct)).Select(ServiceDto.From)).WithSummary("Business services.");
        services.MapGet("/{id}", async (string id, ItsmDbContext db, CancellationToken ct) =>
            ServiceDto.From(await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw ProblemException.NotFound($"There is no service '{id}'.")));
        services.MapPut("/{id}", PutServiceAsync).RequireAuthorization(Policies.DesignWorkflows).WithSummary("Creates or replaces a service.");

        var catalog = app.MapGroup("/api/catalog").WithTags("Catalog").RequireAuthorization(Policies.SignedIn);
        catalog.MapGet("", async (ItsmDbContext db, bool? all, IOptions<CatalogOptions> options, CancellationToken ct) =>
            (await db.CatalogItems.AsNoTracking().Where(i => all == true || i.Active).OrderBy(i => i.Category).ThenBy(i => i.Name).ToListAsync(ct))
                .Select(i => ToDto(i) with { Currency = options.Value.Currency }))
            .WithSummary("Requestable items (active ones; ?all=true for every one), with the currency their prices are in.");
        catalog.MapGet("/{id}", async (string id, ItsmDbContext db, IOptions<CatalogOptions> options, CancellationToken ct) => ToDto(await FindItemAsync(db, id, ct)) with { Currency = options.Value.Currency });
        catalog.MapPut("/{id}", PutItemAsync).RequireAuthorization(Policies.DesignWorkflows).WithSummary("Creates or replaces a catalog item.");

        var sla = app.MapGroup("/api/sla-definitions").WithTags("Service levels").RequireAuthorization(Policies.SignedIn);
        sla.MapGet("", async (ItsmDbContext db, CancellationToken ct) => (await db.SlaDefinitions.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct)).Select(ToDto));
        sla.MapGet("/{id}", async (string id, ItsmDbContext db, CancellationToken ct) =>
            ToDto(await db.SlaDefinitions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw ProblemException.NotFound($"There is no SLA definition '{id}'.")));
        sla.MapPut("/{id}", PutSlaAsync).RequireAuthorization(Policies.DesignWorkflows).WithSummary("Creates or replaces an SLA definition: response and resolution targets per priority 1–5.");

        var matrix = app.MapGroup("/api/priority-matrix").WithTags("Service levels").RequireAuthorization(Policies.SignedIn);
        matrix.MapGet("", async (ItsmDbContext db, CancellationToken ct) => PriorityMatrix.ToJson(await PriorityMatrix.LoadAsync(db, ct)))
            .WithSummary("Impact × urgency → priority.");
        matrix.MapPut("", async (JsonObject body, ClaimsPrincipal user, ItsmDbContext db, TimeProvider time, CancellationToken ct) =>
        {
            int[][] parsed;
            try
            {
                parsed = PriorityMatrix.Parse(body);
            }
            catch (FormatException ex)
            {
                throw ProblemException.BadRequest(ex.Message);
            }
            var row = await db.Settings.FirstOrDefaultAsync(s => s.Key == PriorityMatrix.Key, ct);
            if (row is null) db.Settings.Add(row = new SettingRecord { Key = PriorityMatrix.Key, Value = "" });
            row.Value = new JsonObject { ["matrix"] = PriorityMatrix.ToJson(parsed)["matrix"]!.DeepClone() }.ToJsonString();
            row.UpdatedAt = time.GetUtcNow();
            row.UpdatedBy = user.Identity?.Name;
            await db.SaveChangesAsync(ct);
            return PriorityMatrix.ToJson(parsed);
        }).RequireAuthorization(Policies.DesignWorkflows).WithSummary("Replaces the matrix; applies to incidents raised from now on.");

        var blackouts = app.MapGroup("/api/blackout-windows").WithTags("Changes").RequireAuthorization(Policies.SignedIn);
        blackouts.MapGet("", async (ItsmDbContext db, CancellationToken ct) =>
            (await db.BlackoutWindows.AsNoTracking().ToListAsync(ct)).OrderBy(b => b.Start).Select(b => new BlackoutWindowDto(b.Id, b.Name, b.Start, b.End, Json.Strings(b.Services))));
        blackouts.MapPost("", async (BlackoutWindowDto body, ItsmDbContext db, ClaimsPrincipal user, TimeProvider time, Engine.Execution.WorkflowServices engine, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name)) throw ProblemException.BadRequest("A blackout window needs a name.");
            body = body with { Start = body.Start.ToUniversalTime(), End = body.End.ToUniversalTime() }; // kept in UTC, as change windows are
            if (body.End <= body.Start) throw ProblemException.BadRequest("A blackout window must end after it starts.");
            var unknown = await UnknownServicesAsync(db, body.Services ?? [], ct);
            if (unknown.Count > 0) throw ProblemException.BadRequest($"Unknown services: {string.Join(", ", unknown)}.");
            var record = new BlackoutWindowRecord { Id = Guid.NewGuid().ToString("N"), Name = body.Name.Trim(), Start = body.Start, End = body.End, Services = Json.Write(body.Services ?? []) };
            db.BlackoutWindows.Add(record);
            // Changes already scheduled in it are not moved by it: each is told in its history, and the answer names them.
            var scheduled = await ScheduledInAsync(db, body.Start, body.End, body.Services ?? [], ct);
            foreach (var change in scheduled)
            {
                db.TicketEvents.Add(new TicketEventRecord
                {
                    TicketNumber = change.Number, At = time.GetUtcNow(), Actor = user.Identity!.Name, Kind = "note",
                    Text = $"Blackout window {record.Name} ({Engine.Expressions.DisplayTime.FormatWindow(body.Start, body.End, engine.TimeZone)}) now covers its window. It is not moved by itself (a scheduled change keeps its window): if it must not run in the freeze, move it to another window while it is still scheduled (the new window is authorized and checked against the calendar again; changes raised before the change process v4 cannot be moved once scheduled), or cancel it.",
                });
            }
            await db.SaveChangesAsync(ct);
            return Results.Created($"/api/blackout-windows/{record.Id}", new BlackoutWindowCreatedDto(record.Id, record.Name, body.Start, body.End, body.Services ?? [], scheduled));
        }).RequireAuthorization(Policies.DesignWorkflows)
            .WithSummary("Adds a period in which no change may be scheduled (for some services, or all); changes already scheduled in it are named in the answer and told in their history.");
        blackouts.MapDelete("/{id}", async (string id, ItsmDbContext db, CancellationToken ct) =>
        {
            var deleted = await db.BlackoutWindows.Where(b => b.Id == id).ExecuteDeleteAsync(ct);
            return deleted == 0 ? throw ProblemException.NotFound($"There is no blackout window '{id}'.") : Results.NoContent();
        }).RequireAuthorization(Policies.DesignWorkflows);
    }

    /// <summary>Changes scheduled (or being implemented) in a window, on one of these services or, with none, on any.</summary>
    private static async Task<List<ScheduledChangeDto>> ScheduledInAsync(ItsmDbContext db, DateTimeOffset start, DateTimeOffset end, IReadOnlyList<string> services, CancellationToken ct) =>
        [.. (await Changes.DbChangeScheduleProvider.HoldingAsync(db, null, start, end, ct))
            .Where(c => services.Count == 0 || Changes.DbChangeScheduleProvider.ServiceIds(c.Details).Intersect(services, StringComparer.Ordinal).Any())
            .OrderBy(c => c.PlannedStart)
            .Select(c => new ScheduledChangeDto(c.Number, c.Title, c.Status, c.PlannedStart!.Value, c.PlannedEnd!.Value))];

    public static async Task<CatalogItemRecord> FindItemAsync(ItsmDbContext db, string id, CancellationToken ct) =>
        await db.CatalogItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw ProblemException.NotFound($"There is no catalog item '{id}'.");

    public static CatalogItemDto ToDto(CatalogItemRecord r) => new(
        r.Id, r.Name, r.Description, r.Category, r.ServiceId, FormValidator.Parse(r.Form), r.ApprovalRequired, Json.Strings(r.Approvers),
        r.ApprovalRule, r.FulfilmentGroup, Json.Read<List<FulfilmentTask>>(r.Tasks), r.WorkflowDefinitionId, r.Price, r.Active, r.DeliveryTarget);

    public static SlaDefinitionDto ToDto(SlaDefinitionRecord r) =>
        new(r.Id, r.Name, r.Calendar, Json.Read<Dictionary<string, SlaTarget>>(r.Targets), Json.Strings(r.PauseStatuses));

    private static async Task<ServiceDto> PutServiceAsync(string id, ServiceDto body, ItsmDbContext db, CancellationToken ct)
    {
        CheckId(id, "service");
        if (string.IsNullOrWhiteSpace(body.Name) || string.IsNullOrWhiteSpace(body.SupportGroup)) throw ProblemException.BadRequest("A service needs a name and a support group.");
        if (body.Criticality is not ("low" or "medium" or "high" or "critical")) throw ProblemException.BadRequest("Criticality is low, medium, high or critical.");
        if (body.AvailabilityTarget is < 0 or > 100) throw ProblemException.BadRequest("The availability target is a percentage, such as 99.9.");
        if (body.SlaDefinitionId is { } slaId && !await db.SlaDefinitions.AnyAsync(s => s.Id == slaId, ct)) throw ProblemException.BadRequest($"There is no SLA definition '{slaId}'.");
        await CheckGroupsAsync(db, [body.SupportGroup, .. body.Tiers ?? []], ct);
        var record = await db.Services.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (record is null) db.Services.Add(record = new ServiceRecord { Id = id, Name = body.Name, SupportGroup = body.SupportGroup });
        record.Name = body.Name.Trim();
        record.Description = body.Description;
        record.Owner = body.Owner;
        record.SupportGroup = body.SupportGroup;
        record.Tiers = Json.Write(body.Tiers is { Count: > 0 } tiers ? tiers : [body.SupportGroup]);
        record.Calendar = string.IsNullOrWhiteSpace(body.Calendar) ? "24x7" : body.Calendar;
        record.SlaDefinitionId = body.SlaDefinitionId;
        record.Criticality = body.Criticality;
        record.AvailabilityTarget = body.AvailabilityTarget;
        record.CostPerUnitMonth = body.CostPerUnitMonth;
        record.Unit = body.Unit;
        await db.SaveChangesAsync(ct);
        return ServiceDto.From(record);
    }

    private static async Task<CatalogItemDto> PutItemAsync(string id, CatalogItemDto body, ItsmDbContext db, CancellationToken ct)
    {
        CheckId(id, "catalog item");
        var problems = FormValidator.CheckDefinition(body.Form ?? []);
        if (string.IsNullOrWhiteSpace(body.Name)) problems.Add("A catalog item needs a name.");
        if (string.IsNullOrWhiteSpace(body.FulfilmentGroup)) problems.Add("A catalog item needs a fulfilment group.");
        if (body.ApprovalRequired && (body.Approvers is null || body.Approvers.Count == 0)) problems.Add("An item that needs approval needs approvers: user names, group:Name, or manager.");
        if (body.ApprovalRule is not ("Any" or "All")) problems.Add("The approval rule is Any or All.");
        if (body.Price < 0) problems.Add("The price cannot be negative.");
        // A task without a title reached its group as "null for Alice Requester" (JSON's unknown fields are dropped).
        foreach (var (task, index) in (body.Tasks ?? []).Select((t, i) => (t, i + 1)))
        {
            if (task is null || string.IsNullOrWhiteSpace(task.Title) || string.IsNullOrWhiteSpace(task.Group)) problems.Add($"Task {index} needs a title (what to do) and a group (who does it).");
        }
        if (body.DeliveryTarget is { } delivery && delivery <= TimeSpan.Zero) problems.Add("The delivery target is a positive working time, such as 16:00:00 for two eight-hour days.");
        if (problems.Count > 0) throw ProblemException.BadRequest(string.Join(" ", problems));
        if (body.ServiceId is { } serviceId && !await db.Services.AnyAsync(s => s.Id == serviceId, ct)) throw ProblemException.BadRequest($"There is no service '{serviceId}'.");
        if (!await db.Definitions.AnyAsync(d => d.DefinitionId == body.WorkflowDefinitionId, ct)) throw ProblemException.BadRequest($"There is no workflow definition '{body.WorkflowDefinitionId}'.");
        await CheckGroupsAsync(db, [body.FulfilmentGroup, .. (body.Tasks ?? []).Select(t => t.Group)], ct);
        // Stored as checked: " manager" would pass the check and then match nothing when a request asks.
        List<string> approvers = [.. (body.Approvers ?? []).Select(a => a?.Trim() ?? "")];
        await CheckApproversAsync(db, approvers, ct);
        var record = await db.CatalogItems.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (record is null) db.CatalogItems.Add(record = new CatalogItemRecord { Id = id, Name = body.Name, FulfilmentGroup = body.FulfilmentGroup, WorkflowDefinitionId = body.WorkflowDefinitionId });
        record.Name = body.Name.Trim();
        record.Description = body.Description;
        record.Category = body.Category;
        record.ServiceId = body.ServiceId;
        record.Form = FormValidator.Serialize(body.Form ?? []);
        record.ApprovalRequired = body.ApprovalRequired;
        record.Approvers = Json.Write(approvers);
        record.ApprovalRule = body.ApprovalRule;
        record.FulfilmentGroup = body.FulfilmentGroup;
        record.Tasks = Json.Write(body.Tasks ?? []);
        record.WorkflowDefinitionId = body.WorkflowDefinitionId;
        record.Price = body.Price;
        record.DeliveryTarget = body.DeliveryTarget;
        record.Active = body.Active;
        await db.SaveChangesAsync(ct);
        return ToDto(record);
    }

    private static async Task<SlaDefinitionDto> PutSlaAsync(string id, SlaDefinitionDto body, ItsmDbContext db, Engine.Calendars.IBusinessCalendarProvider calendars, CancellationToken ct)
    {
        CheckId(id, "SLA definition");
        if (string.IsNullOrWhiteSpace(body.Name)) throw ProblemException.BadRequest("An SLA definition needs a name.");
        if (await calendars.FindAsync(body.Calendar, ct) is null) throw ProblemException.BadRequest($"There is no business calendar '{body.Calendar}'.");
        foreach (var (priority, target) in body.Targets ?? new Dictionary<string, SlaTarget>())
        {
            if (priority is not ("1" or "2" or "3" or "4" or "5")) throw ProblemException.BadRequest($"'{priority}' is not a priority: use 1 to 5.");
            if (target.Response <= TimeSpan.Zero || target.Resolution < target.Response) throw ProblemException.BadRequest($"Priority {priority}: the response target must be positive and no longer than the resolution target.");
        }
        var record = await db.SlaDefinitions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (record is null) db.SlaDefinitions.Add(record = new SlaDefinitionRecord { Id = id, Name = body.Name });
        record.Name = body.Name.Trim();
        record.Calendar = body.Calendar;
        record.Targets = Json.Write(body.Targets ?? new Dictionary<string, SlaTarget>());
        record.PauseStatuses = Json.Write(body.PauseStatuses ?? []);
        await db.SaveChangesAsync(ct);
        return ToDto(record);
    }

    internal static void CheckId(string id, string what)
    {
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) throw ProblemException.BadRequest($"A {what} id is lower-case letters, digits and '-', at most 64.");
    }

    internal static async Task CheckGroupsAsync(ItsmDbContext db, IEnumerable<string> names, CancellationToken ct)
    {
        var wanted = names.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct().ToList();
        var known = await db.Groups.Where(g => wanted.Contains(g.Name)).Select(g => g.Name).ToListAsync(ct);
        var unknown = wanted.Except(known).ToList();
        if (unknown.Count > 0) throw ProblemException.BadRequest($"Unknown groups: {string.Join(", ", unknown)}.");
    }

    /// <summary>
    /// Each approver is one the approval can ask (as the approver directory reads them): a user name, "group:Name" of a
    /// group, "manager" (the requester's), or an email address (a person with it, else someone outside who decides by
    /// link). A name nobody has would fault every request's approval, leaving its requester waiting. Entries come trimmed.
    /// </summary>
    private static async Task CheckApproversAsync(ItsmDbContext db, IReadOnlyList<string> approvers, CancellationToken ct)
    {
        var unknown = new List<string>();
        foreach (var entry in approvers)
        {
            if (string.Equals(entry, "manager", StringComparison.OrdinalIgnoreCase)) continue;
            if (entry.StartsWith("group:", StringComparison.OrdinalIgnoreCase))
            {
                var group = entry[6..].Trim();
                if (!await db.Groups.AnyAsync(g => g.Name == group, ct)) unknown.Add($"'{entry}' (no group {group})");
                continue;
            }
            if (entry.Contains('@', StringComparison.Ordinal))
            {
                if (!System.Net.Mail.MailAddress.TryCreate(entry, out _)) unknown.Add($"'{entry}' (not an email address)");
                continue;
            }
            var normalized = entry.ToUpperInvariant();
            if (entry.Length == 0 || !await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, ct)) unknown.Add($"'{entry}' (nobody has that user name)");
        }
        if (unknown.Count > 0) throw ProblemException.BadRequest($"Approvers are user names, group:Name, manager or email addresses; these are none: {string.Join(", ", unknown)}.");
    }

    public static async Task<List<string>> UnknownServicesAsync(ItsmDbContext db, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var known = await db.Services.Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        return [.. ids.Except(known)];
    }
}
