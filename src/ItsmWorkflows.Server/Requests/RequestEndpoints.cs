using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Requests;

/// <summary>A request from the catalog: the item, the form's answers, and (for staff) whom it is for.</summary>
internal sealed record SubmitRequest(string CatalogItemId, JsonObject? Answers, string? Title, string? RequestedFor);

internal sealed record CancelRequest(string? Reason);

/// <summary>/api/requests: anyone signed in requests from the catalog; the item's workflow fulfils it.</summary>
internal static class RequestEndpoints
{
    /// <summary>What an item without its own delivery target promises: five eight-hour working days.</summary>
    public static readonly TimeSpan DefaultDeliveryTarget = TimeSpan.FromHours(40);

    public static void MapRequestEndpoints(this WebApplication app)
    {
        var requests = app.MapGroup("/api/requests").WithTags("Requests").RequireAuthorization(Policies.SignedIn);
        requests.MapPost("", SubmitAsync).WithSummary("Requests a catalog item: checks the form, raises REQ…, and starts the item's fulfilment workflow.");
        requests.MapPost("/{number}/cancel", async (string number, CancelRequest? body, ClaimsPrincipal user, TicketService tickets, ItsmDbContext db, CancellationToken ct) =>
        {
            var ticket = await tickets.FindAsync(number, TicketKind.Request, ct);
            if (!TicketService.CanSee(user, ticket)) throw ProblemException.NotFound($"There is no request {number}.");
            if (!await TicketService.CanManageAsync(db, user, ticket, ct)) throw TicketService.NotYoursToManage(ticket, "cancel");
            return TicketDto.From(await tickets.CancelAsync(ticket, user.Identity!.Name!, body?.Reason, ct));
        }).WithSummary("Withdraws a request (its requester, assignee, an agent of its group or a process owner): its workflow stops, its open tasks are cancelled, a requester who did not cancel it is emailed, and whoever works on it is told to stop.");
    }

    private static async Task<IResult> SubmitAsync(SubmitRequest body, ClaimsPrincipal user, ItsmDbContext db, TicketService tickets, Microsoft.Extensions.Options.IOptions<CatalogOptions> catalog, Engine.Execution.WorkflowServices engine, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.CatalogItemId)) throw ProblemException.BadRequest("Name the catalog item ('catalogItemId').");
        var item = await CatalogEndpoints.FindItemAsync(db, body.CatalogItemId, ct);
        if (!item.Active) throw ProblemException.Conflict($"'{item.Name}' is no longer offered in the catalog.");
        var form = FormValidator.Parse(item.Form);
        var (answers, errors) = FormValidator.Validate(form, body.Answers, DateOnly.FromDateTime(engine.Time.GetUtcNow().UtcDateTime));
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid($"The form for '{item.Name}' has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}; see 'errors'.", new Dictionary<string, object?> { ["errors"] = errors });
        }
        var actor = user.Identity!.Name!;
        var requester = await tickets.OnBehalfOfAsync(user, body.RequestedFor, ct);
        var person = await db.Users.AsNoTracking().FirstAsync(u => u.UserName == requester, ct);
        var approvers = new List<string>();
        foreach (var a in Json.Strings(item.Approvers))
        {
            if (!string.Equals(a, "manager", StringComparison.OrdinalIgnoreCase)) approvers.Add(a);
            else if (person.ManagerId is { } managerId) approvers.Add(await db.Users.Where(u => u.Id == managerId).Select(u => u.UserName!).FirstAsync(ct));
        }
        if (item.ApprovalRequired && approvers.Count == 0)
        {
            throw ProblemException.Conflict($"'{item.Name}' needs your manager's approval, but no manager is on record for {requester}. Ask the service desk to set one.");
        }
        // The delivery promise: the item's target (or the default) in working time on its service's calendar.
        var calendar = item.ServiceId is { } serviceId ? await db.Services.AsNoTracking().Where(s => s.Id == serviceId).Select(s => s.Calendar).FirstOrDefaultAsync(ct) : null;
        var delivery = item.DeliveryTarget ?? DefaultDeliveryTarget;
        var summary = new JsonObject();
        foreach (var field in form.Where(f => answers.ContainsKey(f.Name))) summary[field.Label] = answers[field.Name]!.ToString();
        var details = new JsonObject { ["item"] = item.Name, ["price"] = item.Price, ["currency"] = catalog.Value.Currency, ["answers"] = answers.DeepClone(), ["summary"] = summary.DeepClone() };
        var draft = new TicketRecord
        {
            Id = "",
            Number = "",
            Kind = TicketKind.Request,
            Title = string.IsNullOrWhiteSpace(body.Title) ? item.Name : body.Title.Trim(),
            Status = TicketStatuses.New,
            Requester = requester,
            AssignmentGroup = item.FulfilmentGroup,
            ServiceId = item.ServiceId,
            CatalogItemId = item.Id,
            Details = details.ToJsonString(),
            AnswersText = TicketSearch.AnswersText(answers),
        };
        var approverNames = await DisplayNames.OfAsync(db, approvers, ct);
        var ticket = await tickets.OpenAsync(draft, item.WorkflowDefinitionId, t => new JsonObject
        {
            ["number"] = t.Number,
            ["title"] = t.Title,
            ["requester"] = requester,
            ["requesterName"] = person.DisplayName,
            ["item"] = new JsonObject
            {
                ["id"] = item.Id,
                ["name"] = item.Name,
                ["approvalRequired"] = item.ApprovalRequired,
                ["approvers"] = new JsonArray([.. approvers.Select(a => (JsonNode?)a)]),
                ["approverNames"] = new JsonArray([.. approvers.Select(a => (JsonNode?)approverNames.Shown(a))]),
                ["approvalRule"] = item.ApprovalRule,
                ["fulfilmentGroup"] = item.FulfilmentGroup,
                ["tasks"] = JsonNode.Parse(item.Tasks),
                ["price"] = item.Price,
                ["currency"] = catalog.Value.Currency,
                ["priceText"] = catalog.Value.Format(item.Price),
                ["deliveryTarget"] = delivery.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                ["calendar"] = calendar ?? "24x7",
            },
            ["answers"] = answers.DeepClone(),
            ["summary"] = summary.DeepClone(),
        }, actor, ct);
        return Results.Created($"/api/tickets/{ticket.Number}", TicketDto.From(ticket));
    }
}
