using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Changes;

/// <summary>What a standard change may do on its template's authority: be raised from it, and be moved within it.</summary>
internal static partial class ChangeEndpoints
{
    /// <summary>
    /// The template a standard change is raised from: standard work is pre-authorized work, and the authorization is the
    /// template (its services, plans and longest window), so without one a change could skip the CAB by its label alone.
    /// </summary>
    private static async Task<ChangeTemplateRecord> StandardTemplateAsync(ItsmDbContext db, RaiseChangeRequest body, string? type, CancellationToken ct)
    {
        if (type != "standard")
        {
            throw ProblemException.BadRequest("A template raises a standard change ('type': 'standard'); a normal or emergency change carries its own plans, so leave 'template' out.");
        }
        if (string.IsNullOrWhiteSpace(body.Template))
        {
            throw ProblemException.BadRequest("A standard change is raised from a standard change template, routine work whose plans were authorized once ('template': its id; GET /api/change-templates lists them). Work no template covers is a normal change, for the CAB to approve.");
        }
        var id = body.Template.Trim();
        var template = await db.ChangeTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
            ?? throw ProblemException.BadRequest($"There is no standard change template '{id}'; GET /api/change-templates lists them.");
        if (!template.Active)
        {
            throw ProblemException.BadRequest($"Template '{template.Name}' was retired{(template.UpdatedBy is { } by ? " by " + by : "")}, so it no longer authorizes changes; pick another, or raise a normal change for the CAB.");
        }
        if (body.ImplementationPlan is not null || body.BackoutPlan is not null || body.TestPlan is not null)
        {
            throw ProblemException.BadRequest($"A standard change follows its template's plans, which are what was authorized: leave 'implementationPlan', 'backoutPlan' and 'testPlan' out (template '{template.Name}' has them), or raise a normal change to plan it differently.");
        }
        // Who does the work is part of what was authorized when the template names a group.
        if (template.AssignmentGroup is { } group && !string.IsNullOrWhiteSpace(body.AssignmentGroup) && !string.Equals(body.AssignmentGroup.Trim(), group, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest($"Template '{template.Name}' is authorized to be carried out by {group}, not {body.AssignmentGroup.Trim()}; leave 'assignmentGroup' out, or raise a normal change.");
        }
        var allowed = Json.Strings(template.Services);
        if (body.Services?.Where(s => !allowed.Contains(s, StringComparer.Ordinal)).ToList() is { Count: > 0 } outside)
        {
            throw ProblemException.BadRequest($"Template '{template.Name}' is authorized for {string.Join(", ", allowed)} only, not {string.Join(", ", outside)}; leave 'services' out to take the template's, or raise a normal change.");
        }
        return template;
    }

    /// <summary>A standard change as its template fills it: its plans, its services unless some of them were named, its group (unless it names none and another was), its name unless a title was given.</summary>
    private static RaiseChangeRequest FromTemplate(RaiseChangeRequest body, ChangeTemplateRecord template) => body with
    {
        Title = string.IsNullOrWhiteSpace(body.Title) ? template.Name : body.Title,
        Services = body.Services is { Count: > 0 } named ? named : Json.Strings(template.Services),
        ImplementationPlan = template.ImplementationPlan,
        BackoutPlan = template.BackoutPlan,
        TestPlan = template.TestPlan,
        AssignmentGroup = string.IsNullOrWhiteSpace(body.AssignmentGroup) ? template.AssignmentGroup : body.AssignmentGroup,
    };

    /// <summary>
    /// A standard change's move goes to the calendar only, not to the CAB, so it must stay inside what authorized it:
    /// a template still in use, still covering the change's services, and a window no longer than the template allowed
    /// when the change was raised nor than it allows now.
    /// </summary>
    private static async Task CheckStillAuthorizedAsync(ItsmDbContext db, TicketRecord ticket, string templateId, RescheduleRequest body, CancellationToken ct)
    {
        var template = await db.ChangeTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, ct);
        var raised = JsonNode.Parse(ticket.Details)?["change"];
        var name = template?.Name ?? raised?["template"]?["name"]?.GetValue<string>() ?? templateId;
        var instead = "cancel it and raise a normal change for the CAB";
        if (template is null || !template.Active)
        {
            throw ProblemException.BadRequest($"{ticket.Number} is a standard change from template '{name}', which is retired and no longer authorizes changes, so it cannot be moved; {instead}.");
        }
        var covered = Json.Strings(template.Services);
        var services = DbChangeScheduleProvider.ServiceIds(ticket.Details).Where(s => !covered.Contains(s, StringComparer.Ordinal)).ToList();
        if (services.Count > 0)
        {
            throw ProblemException.BadRequest($"{ticket.Number} is a standard change from template '{name}', which no longer covers {string.Join(", ", services)}, so it cannot be moved; {instead}.");
        }
        // Revised since (its plans changed): what was authorized is no longer what the template says.
        if (!SamePlan(raised?["implementationPlan"], template.ImplementationPlan) || !SamePlan(raised?["backoutPlan"], template.BackoutPlan) || !SamePlan(raised?["testPlan"], template.TestPlan))
        {
            throw ProblemException.BadRequest($"{ticket.Number} is a standard change from template '{name}', whose plans were revised since it was raised, so it no longer authorizes this change as planned and it cannot be moved; cancel it and raise it again from the template, or raise a normal change for the CAB.");
        }
        TimeSpan? then = TimeSpan.TryParse(raised?["template"]?["maxDuration"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : null;
        var longest = new[] { then, template.MaxDuration }.Where(d => d is not null).Min();
        if (longest is { } limit && body.PlannedEnd - body.PlannedStart > limit)
        {
            throw ProblemException.BadRequest($"{ticket.Number} is a standard change from template '{name}', authorized for windows of at most {Duration(limit)}; the new one is {Duration(body.PlannedEnd - body.PlannedStart)}. Shorten it, or {instead}.");
        }
    }

    private static bool SamePlan(JsonNode? raised, string? now) =>
        string.Equals(raised is JsonValue v && v.TryGetValue<string>(out var text) ? text : null, now, StringComparison.Ordinal);
}
