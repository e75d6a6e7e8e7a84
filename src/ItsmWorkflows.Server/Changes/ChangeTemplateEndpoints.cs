using System.Security.Claims;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Changes;

/// <summary>
/// A standard change template as the API shows and takes it. <c>Revision</c> is what an edit was based on: replacing a
/// template needs it, so an edit made on an old copy is refused instead of undoing someone else's. <c>Used</c> counts the
/// changes raised from it (read only).
/// </summary>
internal sealed record ChangeTemplateDto(
    string? Id, string Name, string? Description, IReadOnlyList<string>? Services, string? AssignmentGroup,
    string? ImplementationPlan, string? BackoutPlan, string? TestPlan, TimeSpan? MaxDuration, bool Active = true,
    long? Revision = null, DateTimeOffset? UpdatedAt = null, string? UpdatedBy = null, int? Used = null)
{
    public static ChangeTemplateDto From(ChangeTemplateRecord r, int? used = null) => new(
        r.Id, r.Name, r.Description, Json.Strings(r.Services), r.AssignmentGroup, r.ImplementationPlan, r.BackoutPlan, r.TestPlan,
        r.MaxDuration, r.Active, r.Revision, r.UpdatedAt, r.UpdatedBy, used);
}

/// <summary>
/// /api/change-templates: the standard change catalog. Anyone who raises changes reads it; process owners (and admins)
/// write it, since a template is an authorization given once for every change raised from it.
/// </summary>
internal static class ChangeTemplateEndpoints
{
    public static void MapChangeTemplateEndpoints(this WebApplication app)
    {
        var templates = app.MapGroup("/api/change-templates").WithTags("Changes").RequireAuthorization(Policies.StartWorkflows);
        templates.MapGet("", async (bool? all, ItsmDbContext db, CancellationToken ct) =>
            {
                var records = await db.ChangeTemplates.AsNoTracking().Where(t => all == true || t.Active).OrderBy(t => t.Name).ToListAsync(ct);
                var used = await UsedAsync(db, [.. records.Select(r => r.Id)], ct);
                return records.Select(r => ChangeTemplateDto.From(r, used.GetValueOrDefault(r.Id)));
            })
            .WithSummary("The standard change templates in use (all=true: the retired ones too), by name.");
        templates.MapGet("/{id}", async (string id, ItsmDbContext db, CancellationToken ct) =>
            {
                var record = await FindAsync(db, id, ct);
                return ChangeTemplateDto.From(record, (await UsedAsync(db, [id], ct)).GetValueOrDefault(id));
            })
            .WithSummary("One standard change template.");
        templates.MapPut("/{id}", PutAsync).RequireAuthorization(Policies.DesignWorkflows)
            .WithSummary("Creates a standard change template, or replaces one (send the revision you edited; active=false retires it).");
    }

    public static async Task<ChangeTemplateRecord> FindAsync(ItsmDbContext db, string id, CancellationToken ct) =>
        await db.ChangeTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
        ?? throw ProblemException.NotFound($"There is no standard change template '{id}'; GET /api/change-templates lists them.");

    private static async Task<Dictionary<string, int>> UsedAsync(ItsmDbContext db, List<string> ids, CancellationToken ct) =>
        await db.Tickets.AsNoTracking().Where(t => t.ChangeTemplateId != null && ids.Contains(t.ChangeTemplateId))
            .GroupBy(t => t.ChangeTemplateId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    private static async Task<IResult> PutAsync(string id, ChangeTemplateDto body, ClaimsPrincipal user, ItsmDbContext db, TimeProvider time, CancellationToken ct)
    {
        CatalogEndpoints.CheckId(id, "template");
        var problems = new List<string>();
        if (body.Id is { } named && !string.Equals(named, id, StringComparison.Ordinal)) problems.Add($"The body names template '{named}' but the address is '{id}'; a template's id cannot change.");
        if (string.IsNullOrWhiteSpace(body.Name)) problems.Add("A template needs a name (what the routine work is).");
        else if (body.Name.Trim().Length > 200) problems.Add("A template's name is at most 200 characters.");
        List<string> services = [.. (body.Services ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal)];
        if (services.Count == 0) problems.Add("Name the services it is authorized for ('services'); a change from it may affect only those.");
        // What makes work standard is that how it is done and undone was agreed once: both plans are the authorization.
        if (string.IsNullOrWhiteSpace(body.ImplementationPlan)) problems.Add("A template needs its implementation plan (the steps that were authorized).");
        if (string.IsNullOrWhiteSpace(body.BackoutPlan)) problems.Add("A template needs its back-out plan (how the work is undone if it goes wrong).");
        if (body.MaxDuration is { } longest && (longest <= TimeSpan.Zero || longest > TimeSpan.FromDays(7))) problems.Add("The longest window is a positive duration of at most 7 days, such as 02:00:00.");
        if (problems.Count > 0) throw ProblemException.BadRequest(string.Join(" ", problems));
        var known = await db.Services.Where(s => services.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        if (services.Except(known).ToList() is { Count: > 0 } unknown) throw ProblemException.BadRequest($"Unknown services: {string.Join(", ", unknown)} (GET /api/services lists them).");
        var group = string.IsNullOrWhiteSpace(body.AssignmentGroup) ? null : body.AssignmentGroup.Trim();
        if (group is not null) await CatalogEndpoints.CheckGroupsAsync(db, [group], ct);

        var record = await db.ChangeTemplates.FirstOrDefaultAsync(t => t.Id == id, ct);
        var created = record is null;
        if (record is null)
        {
            if (body.Revision is { } revision and not 0) throw ProblemException.Conflict($"There is no template '{id}' at revision {revision} any more: it was removed or never existed; create it again without a revision.");
            db.ChangeTemplates.Add(record = new ChangeTemplateRecord { Id = id, Name = "", ImplementationPlan = "", BackoutPlan = "" });
        }
        else
        {
            if (body.Revision is null) throw ProblemException.Conflict($"Template '{id}' exists (revision {record.Revision}); to replace it, send the revision you edited, so nobody's edit is undone unseen.");
            if (body.Revision != record.Revision) throw StaleEdit(id, record);
            // The guard in the database: two edits of the same revision at once, the second to save is refused.
            db.Entry(record).Property(r => r.Revision).OriginalValue = body.Revision.Value;
        }
        record.Name = body.Name.Trim();
        record.Description = string.IsNullOrWhiteSpace(body.Description) ? null : body.Description.Trim();
        record.Services = Json.Write(services);
        record.AssignmentGroup = group;
        record.ImplementationPlan = body.ImplementationPlan!.Trim();
        record.BackoutPlan = body.BackoutPlan!.Trim();
        record.TestPlan = string.IsNullOrWhiteSpace(body.TestPlan) ? null : body.TestPlan.Trim();
        record.MaxDuration = body.MaxDuration;
        record.Active = body.Active;
        record.UpdatedAt = time.GetUtcNow();
        record.UpdatedBy = user.Identity!.Name;
        record.Revision++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await FindAsync(db, id, ct);
            throw StaleEdit(id, current);
        }
        catch (DbUpdateException) when (created)
        {
            db.ChangeTracker.Clear();
            if (await db.ChangeTemplates.AsNoTracking().AnyAsync(t => t.Id == id, ct)) throw ProblemException.Conflict($"Template '{id}' was created by someone else at the same moment; open it and edit that one.");
            throw;
        }
        var dto = ChangeTemplateDto.From(record, (await UsedAsync(db, [id], ct)).GetValueOrDefault(id));
        return created ? Results.Created($"/api/change-templates/{id}", dto) : Results.Ok(dto);
    }

    private static ProblemException StaleEdit(string id, ChangeTemplateRecord current) =>
        ProblemException.Conflict($"Template '{id}' was changed by {current.UpdatedBy ?? "someone else"} since you opened it (now revision {current.Revision}); reload it, redo your edit and save again.");
}
