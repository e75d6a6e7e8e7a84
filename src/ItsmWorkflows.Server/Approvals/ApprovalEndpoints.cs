using System.Net;
using System.Security.Claims;
using System.Text;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace ItsmWorkflows.Server.Approvals;

internal sealed record DecisionRequest(string Decision, string? Comment);

internal sealed record DecisionResponse(string Message, string? Outcome);



/// <summary>
/// The approval link pages (anonymous: the link is the credential) and the approvals API for signed-in
/// approvers. GET shows and never decides; POST decides, with anti-forgery protection.
/// </summary>
internal static class ApprovalEndpoints
{
    public static void MapApprovalEndpoints(this WebApplication app)
    {
        // The link's token is the credential, so the page is anonymous; it learns nothing from a wrong token but "not valid".
        // HEAD too: mail scanners and link previews probe links; like GET it decides nothing.
        app.MapMethods("/approvals/{token}", [HttpMethods.Get, HttpMethods.Head], async (string token, string? decision, HttpContext http, ApprovalService approvals, IAntiforgery antiforgery, WorkflowServices engine, CancellationToken ct) =>
        {
            var (view, check) = await approvals.ViewByTokenAsync(token, SignedIn(http), ct);
            NoStore(http);
            if (view is null) return Html(Pages.Refused(check), check.Refusal == DecisionRefusal.UnknownLink ? 404 : 409);
            var tokens = antiforgery.GetAndStoreTokens(http);
            return Html(Pages.Confirm(view, token, decision, tokens.FormFieldName, tokens.RequestToken!, engine.TimeZone), 200);
        }).AllowAnonymous().ExcludeFromDescription();

        // The form is read and its anti-forgery token checked here rather than by binding, so a person whose page went
        // stale gets a page that says what to do, not the API's JSON.
        app.MapPost("/approvals/{token}", async (string token, HttpContext http, ApprovalService approvals, IAntiforgery antiforgery, CancellationToken ct) =>
        {
            NoStore(http);
            if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
            {
                return Html(Pages.Stale(), 400);
            }
            var form = await http.Request.ReadFormAsync(ct);
            var comment = form["comment"].ToString();
            var result = await approvals.DecideByTokenAsync(token, form["decision"].ToString(), comment.Length == 0 ? null : comment, SignedIn(http),
                http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), ct);
            return result.Accepted ? Html(Pages.Done(result), 200) : Html(Pages.Refused(result), result.Refusal switch
            {
                DecisionRefusal.UnknownLink => 404,
                DecisionRefusal.InvalidDecision => 400,
                _ => 409,
            });
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();

        var api = app.MapGroup("/api/approvals").WithTags("Approvals").RequireAuthorization(Policies.SignedIn);
        api.MapGet("/inbox", async (ClaimsPrincipal user, ApprovalService approvals, CancellationToken ct) => await approvals.InboxAsync(UserName(user), ct))
            .WithSummary("What waits on my decision (as approver or as a delegate).");
        api.MapPost("/{approvalId}/decision", async (string approvalId, DecisionRequest request, ClaimsPrincipal user, HttpContext http, ApprovalService approvals, CancellationToken ct) =>
        {
            var result = await approvals.DecideAsync(approvalId, UserName(user), request.Decision, request.Comment, "web", http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), ct);
            if (result.Accepted) return new DecisionResponse(result.Message, result.Outcome);
            throw result.Refusal switch
            {
                DecisionRefusal.NotAnApprover or DecisionRefusal.SelfApproval or DecisionRefusal.DelegationEnded or DecisionRefusal.ApproverDisabled or DecisionRefusal.HandedOver => new ProblemException(StatusCodes.Status403Forbidden, "Not allowed", result.Message),
                DecisionRefusal.InvalidDecision => ProblemException.BadRequest(result.Message),
                DecisionRefusal.UnknownLink => ProblemException.NotFound($"There is no approval {approvalId}."),
                _ => ProblemException.Conflict(result.Message),
            };
        }).WithSummary("Approve or reject (decision: approve | reject) with an optional comment.");
        api.MapPost("/{approvalId}/revise", async (string approvalId, System.Text.Json.Nodes.JsonObject body, ClaimsPrincipal user, ApprovalService approvals, CancellationToken ct) =>
        {
            var (title, details) = RevisionOf(body);
            var result = await approvals.ReviseAsync(approvalId, title, details, body.ContainsKey("details"), UserName(user), ct);
            if (result.Accepted) return new DecisionResponse(result.Message, null);
            throw result.Refusal == DecisionRefusal.UnknownLink ? ProblemException.NotFound($"There is no approval '{approvalId}'.") : ProblemException.Conflict(result.Message);
        }).RequireAuthorization(Policies.OperateWorkflows).WithSummary("What is approved changed: record the new title and details, invalidate links made for the old content, ask the undecided approvers again.");
        api.MapGet("/{approvalId}", async (string approvalId, ClaimsPrincipal user, ApprovalService approvals, CancellationToken ct) =>
            await approvals.GetAsync(approvalId, UserName(user), user.IsInRole(Data.Roles.ProcessOwner) || user.IsInRole(Data.Roles.Admin), ct)
            ?? throw ProblemException.NotFound($"There is no approval '{approvalId}' you may see."))
            .WithSummary("An approval and its audit trail, for its approvers, its requester and operators.");
    }

    private static string? SignedIn(HttpContext http) => http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name : null;

    private static string UserName(ClaimsPrincipal user) => user.Identity?.Name ?? throw new InvalidOperationException("A signed-in user has no name.");

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer"; // the token must not leak to other sites
        http.Response.Headers["X-Robots-Tag"] = "noindex";
    }

    private static IResult Html(string html, int status) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static class Pages
    {
        private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

        private static string Page(string title, string body) => $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>{{E(title)}}</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 0; background: #f5f7fa; color: #1f2933; }
              main { max-width: 640px; margin: 32px auto; background: #fff; border: 1px solid #d9e2ec; padding: 24px; }
              h1 { font-size: 1.3rem; margin-top: 0; } table { border-collapse: collapse; margin: 12px 0 20px; }
              th { text-align: left; color: #52606d; font-weight: normal; padding: 4px 16px 4px 0; vertical-align: top; } td { padding: 4px 0; }
              textarea { width: 100%; min-height: 80px; font: inherit; box-sizing: border-box; }
              .buttons { display: flex; gap: 12px; margin-top: 16px; } button { font: inherit; font-weight: 600; padding: 10px 22px; border: 0; border-radius: 4px; color: #fff; cursor: pointer; }
              .approve { background: #1f7a3f; } .reject { background: #b42318; } .chosen { outline: 3px solid #243b53; outline-offset: 2px; }
              .secondary { background: #fff; font-weight: normal; } .approve.secondary { color: #1f7a3f; border: 1px solid #1f7a3f; } .reject.secondary { color: #b42318; border: 1px solid #b42318; }
              .note { color: #52606d; font-size: .9rem; }
            </style></head><body><main>{{body}}</main></body></html>
            """;

        public static string Confirm(ApprovalView view, string token, string? preselected, string fieldName, string requestToken, TimeZoneInfo zone)
        {
            var a = view.Approval;
            var rows = new StringBuilder();
            foreach (var (label, value) in view.Details) rows.Append($"<tr><th scope=\"row\">{E(label)}</th><td>{E(value)}</td></tr>");
            if (a.Requester is not null) rows.Append($"<tr><th scope=\"row\">Requested by</th><td>{E(view.RequesterName ?? a.Requester)}</td></tr>");
            rows.Append($"<tr><th scope=\"row\">Decided when</th><td>{E(RuleInWords(a.Rule))}</td></tr>");
            if (a.DueAt is { } due) rows.Append($"<tr><th scope=\"row\">Decide by</th><td>{E(Engine.Expressions.DisplayTime.Format(due, zone))}</td></tr>");
            var who = view.Slot.OnBehalfOf is { } principal ? $"<p>You decide on behalf of <strong>{E(view.OnBehalfOfName ?? principal)}</strong>.</p>" : "";
            // The email's button chose a decision: that one leads, the other stays one click away (never decided by the GET).
            var rejecting = preselected?.Equals("reject", StringComparison.OrdinalIgnoreCase) == true;
            var approving = preselected?.Equals("approve", StringComparison.OrdinalIgnoreCase) == true;
            var approveClass = approving ? "approve chosen" : rejecting ? "approve secondary" : "approve";
            var rejectClass = rejecting ? "reject chosen" : approving ? "reject secondary" : "reject";
            var approveButton = $"<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"{approveClass}\">Approve</button>";
            var rejectButton = $"<button type=\"submit\" name=\"decision\" value=\"reject\" class=\"{rejectClass}\">Reject</button>";
            var buttons = rejecting ? rejectButton + approveButton : approveButton + rejectButton;
            var ask = approving ? "please confirm your approval." : rejecting ? "please confirm your rejection (a comment helps the requester)." : "please confirm your decision.";
            return Page("Approve: " + a.Title, $"""
                <h1>{E(a.Title)}</h1>
                <p>Hello {E(view.Slot.ApproverName ?? view.Slot.Approver)}, {ask}</p>{who}
                <table>{rows}</table>
                <form method="post" action="/approvals/{E(token)}">
                  <input type="hidden" name="{E(fieldName)}" value="{E(requestToken)}">
                  <label for="comment">Comment (optional)</label>
                  <textarea id="comment" name="comment" maxlength="2000"></textarea>
                  <div class="buttons">{buttons}</div>
                </form>
                <p class="note">Nothing is decided until you press a button. This link works once.</p>
                """);
        }

        /// <summary>"AtLeast 2" as an approver reads it.</summary>
        private static string RuleInWords(string? rule)
        {
            var parts = (rule ?? "Any").Split(' ', 2, StringSplitOptions.TrimEntries);
            return parts[0] switch
            {
                "All" => "every approver approves",
                "AtLeast" => $"{(parts.Length > 1 ? parts[1] : "enough")} approvers approve",
                "Percent" => $"{(parts.Length > 1 ? parts[1] : "enough")} % of the approvers approve",
                _ => "one approver approves",
            };
        }

        /// <summary>Where to go next: the inbox lists what else waits, and links to each ticket.</summary>
        private const string Onward = "<p class=\"note\"><a href=\"/portal/#/approvals\">Your approvals inbox</a> lists what else waits on you.</p>";

        public static string Done(DecisionResult result) => Page("Decision recorded", $"<h1>Thank you</h1><p>{E(result.Message)}</p>{Onward}");

        public static string Stale() => Page("Approval link", "<h1>No decision was taken</h1><p>This page has expired, or was opened in another browser. Open the link in your email again and choose once more.</p>" + Onward);

        public static string Refused(DecisionResult result) => Page("Approval link", $"<h1>No decision was taken</h1><p>{E(result.Message)}</p>{Onward}");
    }
    /// <summary>
    /// The revision's title (text) and details: an object of label → value, or the [{ key, value }] list an approval is
    /// read back with; null clears them. Anything else is refused before any content changes.
    /// </summary>
    private static (string? Title, System.Text.Json.Nodes.JsonNode? Details) RevisionOf(System.Text.Json.Nodes.JsonObject body)
    {
        string? title = null;
        if (body["title"] is { } titleNode)
        {
            if (titleNode is not System.Text.Json.Nodes.JsonValue text || !text.TryGetValue<string>(out title)) throw ProblemException.BadRequest("'title' is the approval's new title, as text.");
        }
        var details = body["details"];
        if (details is System.Text.Json.Nodes.JsonArray list)
        {
            var asObject = new System.Text.Json.Nodes.JsonObject();
            foreach (var item in list)
            {
                if (item is not System.Text.Json.Nodes.JsonObject pair || pair["key"] is not System.Text.Json.Nodes.JsonValue key || !key.TryGetValue<string>(out var label) || string.IsNullOrWhiteSpace(label))
                {
                    throw ProblemException.BadRequest("'details' as a list holds { \"key\": label, \"value\": text } items, as an approval is read back.");
                }
                asObject[label] = pair["value"]?.DeepClone();
            }
            details = asObject;
        }
        else if (details is not (null or System.Text.Json.Nodes.JsonObject))
        {
            throw ProblemException.BadRequest("'details' is an object of label → value, such as { \"Risk\": \"High\" } (or the [{ key, value }] list an approval is read back with); null clears them.");
        }
        return (title, details);
    }
}
