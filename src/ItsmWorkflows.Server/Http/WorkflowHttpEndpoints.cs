using System.Text;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// /workflows/{path}: inbound requests for HttpEndpoint activities (webhooks such as a monitoring alert
/// opening an incident). A request resumes the instances waiting at that route, or else starts the
/// published definition whose trigger matches. Each workflow decides who may call it: anonymous unless
/// its HttpEndpoint sets <c>authorize</c> (and optionally a policy); a signed-in caller's request must then come from
/// this site's own pages, not another site's (<see cref="CrossSiteRequests"/>). A request with an Idempotency-Key
/// runs at most once per route, caller and key; its repeats get its answer (<see cref="WebhookIdempotency"/>).
/// </summary>
internal static class WorkflowHttpEndpoints
{
    public const long MaxBodyBytes = 1024 * 1024;

    private static readonly HashSet<string> ForwardedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "User-Agent", "X-Request-Id", "X-Correlation-Id", "X-Event-Type", "X-GitHub-Event",
    };

    public static void MapWorkflowHttpEndpoints(this WebApplication app)
    {
        // The authorization decision is per workflow (its HttpEndpoint's authorize/policy inputs), made below.
        app.Map("/workflows/{**path}", HandleAsync).AllowAnonymous().WithTags("Workflow HTTP endpoints");
    }

    private static async Task<IResult> HandleAsync(HttpContext http, string? path, ItsmDbContext db, WorkflowRuntime runtime, IAuthorizationService authorization, WebhookIdempotency idempotency, CancellationToken ct)
    {
        var method = http.Request.Method.ToUpperInvariant();
        var route = HttpEndpoint.NormalizePath(path ?? "");
        var key = IdempotencyKey.Read(http.Request);
        var (request, body) = await ReadRequestAsync(http, method, route, ct);
        if (key is null) return (await RunAsync(http, method, route, request, db, runtime, authorization, null, null, ct)).Answer;

        // A sender's retries are safe (Idempotency-Key): looked up before anything else, so a repeat is answered even once
        // the instance it resumed waits no longer, or its workflow is unpublished.
        var requestHash = IdempotencyKey.RequestHash(method, route, http.Request.QueryString.Value, body.Span);
        var claim = await idempotency.ClaimAsync(IdempotencyKey.Scope(http.User, route, key, requestHash), requestHash, ct);
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                return IdempotentAnswers.Replayed(claim.Answer!);
            case IdempotencyOutcome.InProgress:
                http.Response.Headers.RetryAfter = "5";
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Request still being processed",
                    detail: $"The first request with this {IdempotencyKey.Header} is still being processed; retry later to get its answer. Nothing was started for this one.");
            case IdempotencyOutcome.DifferentRequest:
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused",
                    detail: $"This {IdempotencyKey.Header} was used by you for a different request to this route (another method, query or body) in the last {Describe(idempotency.Retention)}; a new request needs a new key. Nothing was run.");
        }
        // Taken over from an attempt that did not finish (its node stopped): if that one committed, its instance answers.
        if (claim.TakenOver && await idempotency.CommittedInstanceAsync(claim, ct) is { } earlier)
        {
            return IdempotentAnswers.Recorded(await AcknowledgeStoredAsync(db, earlier, ct), claim, idempotency);
        }
        Outcome outcome;
        try
        {
            // The claim stays this node's while it runs, however long that takes: a lapse would let a repeat run it beside it.
            await using var lease = idempotency.KeepLeased(claim);
            outcome = await RunAsync(http, method, route, request, db, runtime, authorization, claim, idempotency, ct);
        }
        catch (Exception ex)
        {
            // A failure before anything committed (the database away, every waiter stopped by an incident) lets the key go, so
            // a retry runs it again; one after the workflow took the request is answered from its instance, now and for repeats.
            if (await idempotency.SettleFailureAsync(claim) is not { } committed) throw;
            idempotency.FailedAfterCommit(ex, committed);
            return IdempotentAnswers.Recorded(await AcknowledgeStoredAsync(db, committed, CancellationToken.None), claim, idempotency);
        }
        if (outcome.Ran) return IdempotentAnswers.Recorded(outcome.Answer, claim, idempotency);
        // Refused before anything ran (sign-in, policy, no such route): no answer is kept.
        await idempotency.ForgetAsync(claim, ct);
        return outcome.Answer;
    }

    /// <summary>The answer to a request, and whether a workflow ran for it (a refusal or "not found" ran nothing).</summary>
    private readonly record struct Outcome(IResult Answer, bool Ran);

    private static async Task<Outcome> RunAsync(HttpContext http, string method, string route, JsonObject request, ItsmDbContext db, WorkflowRuntime runtime,
        IAuthorizationService authorization, IdempotencyClaim? claim, WebhookIdempotency? idempotency, CancellationToken ct)
    {
        // An instance waiting at this exact route goes first, if the caller may resume it (its HTTP Endpoint's
        // authorize and policy, carried by its bookmark).
        var stimulus = HttpEndpoint.Stimulus(method, route);
        var hash = StimulusHash.Compute("Elsa.HttpEndpoint", stimulus);
        var waiters = await db.Bookmarks.AsNoTracking().Where(b => b.StimulusHash == hash).Select(b => new { b.Id, b.InstanceId, b.Payload }).ToListAsync(ct);
        if (waiters.Count > 0)
        {
            var admitted = new HashSet<string>(StringComparer.Ordinal);
            IResult? refusal = null;
            foreach (var waiter in waiters)
            {
                var denied = await DenyAsync(http, authorization, Requirement(waiter.Payload));
                if (denied is null) admitted.Add(waiter.Id);
                else refusal ??= denied;
            }
            if (admitted.Count == 0) return new(refusal!, false);
            if (claim is not null) await idempotency!.RecordResumeAsync(claim, waiters.Where(w => admitted.Contains(w.Id)).Select(w => (w.Id, w.InstanceId)), ct);
            // Waiters all stopped by an incident fail it with InstanceFaultedException (409): the request is not taken as a start.
            var resumed = await runtime.ResumeHttpWaitersAsync(stimulus, request, b => admitted.Contains(b.BookmarkId), ct);
            if (resumed.Count > 0) return new(Respond(resumed[^1]), true);
            // They stopped waiting before this request reached them (another request took them): it resumed nothing, so
            // whatever runs next under the claim is not credited to them.
            if (claim is not null) await idempotency!.RecordResumeAsync(claim, [], ct);
        }

        var triggers = await db.Triggers.AsNoTracking().Where(t => t.ActivityType == "Elsa.HttpEndpoint").ToListAsync(ct);
        foreach (var trigger in triggers)
        {
            var payload = (JsonObject)JsonNode.Parse(trigger.Payload)!;
            if (!string.Equals(payload["method"]?.GetValue<string>(), method, StringComparison.Ordinal)) continue;
            if (!RouteTemplate.TryMatch(payload["path"]?.GetValue<string>() ?? "", route, out var routeData)) continue;
            if (await DenyAsync(http, authorization, (payload["authorize"]?.GetValue<bool>() == true, payload["policy"]?.GetValue<string>())) is { } denied) return new(denied, false);
            request["routeData"] = routeData;
            // Under an idempotency key the instance id is the claim's: a second start for the key cannot commit.
            var result = await runtime.StartAsync(trigger.DefinitionId, new StartOptions { VersionId = trigger.DefinitionVersionId, TriggerActivityId = trigger.ActivityId, TriggerPayload = request, InstanceId = claim?.InstanceId }, ct);
            return new(Respond(result), true);
        }
        // The route is served, by another method: 405 with the methods it takes, as any HTTP server says.
        var allowed = triggers.Select(t => (JsonObject)JsonNode.Parse(t.Payload)!)
            .Where(p => RouteTemplate.TryMatch(p["path"]?.GetValue<string>() ?? "", route, out _))
            .Select(p => p["method"]?.GetValue<string>()).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (allowed.Count > 0)
        {
            http.Response.Headers.Allow = string.Join(", ", allowed);
            return new(Results.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed", detail: $"/workflows{route} takes {string.Join(", ", allowed)}, not {method}."), false);
        }
        return new(Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No published workflow answers {method} /workflows{route}."), false);
    }

    /// <summary>"24 hours", "30 minutes", "7 days": the retention in a sentence.</summary>
    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 2 && span.TotalDays == Math.Floor(span.TotalDays) ? $"{span.TotalDays:0} days"
        : span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0} hours"
        : $"{span.TotalMinutes:0} minutes";

    /// <summary>
    /// Who may resume a waiting HTTP Endpoint, from its bookmark. A bookmark written before the bookmark carried it
    /// says nothing: only an operator may resume it (closed by default; its own policy is not known here).
    /// </summary>
    private static (bool Authorize, string? Policy) Requirement(string? bookmarkPayload)
    {
        var payload = bookmarkPayload is null ? null : JsonNode.Parse(bookmarkPayload) as JsonObject;
        if (payload is null || !payload.ContainsKey("authorize")) return (true, Identity.Policies.OperateWorkflows);
        return (payload["authorize"]?.GetValue<bool>() == true, payload["policy"]?.GetValue<string>());
    }

    /// <summary>The refusal for a caller who does not meet a workflow endpoint's requirement; null when they do.</summary>
    private static async Task<IResult?> DenyAsync(HttpContext http, IAuthorizationService authorization, (bool Authorize, string? Policy) requirement)
    {
        if (!requirement.Authorize) return null;
        if (http.User.Identity?.IsAuthenticated != true) return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required", detail: "This workflow endpoint requires an authenticated caller.");
        // Whatever the method: a workflow's GET may act as much as a POST, and a Lax cookie comes with a top-level GET.
        if (CrossSiteRequests.IsFromAnotherOrigin(http.Request) && await CrossSiteRequests.IsCookieAuthenticatedAsync(http))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Request from another site",
                detail: "This workflow endpoint needs a signed-in request from this site; requests from other sites are refused. Open its address directly or from this site's pages.");
        }
        if (requirement.Policy is not { Length: > 0 } policy) return null;
        var policies = http.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>();
        if (await policies.GetPolicyAsync(policy) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This workflow endpoint requires the '{policy}' policy, which this server does not have (it has design-workflows, start-workflows, operate-workflows, admin, signed-in); its process owner must fix the HTTP Endpoint.");
        }
        if (!(await authorization.AuthorizeAsync(http.User, policy)).Succeeded)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"This workflow endpoint requires the '{policy}' policy.");
        }
        return null;
    }

    private static IResult Respond(RunResult result)
    {
        if (result.HttpResponse is { } response)
        {
            var body = response.Content switch
            {
                null => "",
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
                var node => node.ToJsonString(),
            };
            return new WorkflowHttpResult(response.StatusCode, body, response.ContentType ?? "text/plain", response.Headers);
        }
        var incident = result.State.SubStatus == WorkflowSubStatus.Faulted ? result.State.Incidents.LastOrDefault(i => i.ResolvedAt is null) : null;
        return Acknowledge(result.State.InstanceId, result.State.Status, result.State.SubStatus, incident?.ActivityId);
    }

    /// <summary>
    /// The answer from an instance as stored, for a request under an idempotency key that it took while the answer was
    /// lost (the server failed after the commit, or its node stopped): what a workflow without an HTTP Response answers.
    /// </summary>
    private static async Task<IResult> AcknowledgeStoredAsync(ItsmDbContext db, string instanceId, CancellationToken ct)
    {
        var instance = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => new { i.Status, i.SubStatus }).FirstAsync(ct);
        var step = instance.SubStatus != WorkflowSubStatus.Faulted ? null
            : await db.Incidents.AsNoTracking().Where(i => i.InstanceId == instanceId && i.ResolvedAt == null).OrderByDescending(i => i.At).Select(i => i.ActivityId).FirstOrDefaultAsync(ct);
        return Acknowledge(instanceId, instance.Status, instance.SubStatus, step);
    }

    private static IResult Acknowledge(string instanceId, WorkflowStatus status, WorkflowSubStatus subStatus, string? incidentStep)
    {
        // Stopped by an incident before answering: the caller (a monitoring system) must not record a success, or an
        // alert that opened nothing looks handled. Which activity, not the error itself: the caller may be anyone.
        if (subStatus == WorkflowSubStatus.Faulted)
        {
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Workflow stopped by an incident",
                detail: $"The workflow took the request but stopped at an incident{(incidentStep is null ? "" : $" in step '{incidentStep}'")}; its operators can see why and retry it.",
                extensions: new Dictionary<string, object?> { ["workflowInstanceId"] = instanceId });
        }
        // No HTTP Response activity ran: acknowledge with the instance, as a webhook caller expects a quick 2xx.
        return Results.Accepted(value: new { workflowInstanceId = instanceId, status = status.ToString(), subStatus = subStatus.ToString() });
    }

    /// <summary>The request as the workflow sees it, and its body's bytes (an idempotency key's request hash covers them).</summary>
    private static async Task<(JsonObject Request, ReadOnlyMemory<byte> Body)> ReadRequestAsync(HttpContext http, string method, string route, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxBodyBytes) throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Workflow endpoints accept bodies up to {MaxBodyBytes / 1024} KB.");
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBodyBytes) throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Workflow endpoints accept bodies up to {MaxBodyBytes / 1024} KB.");
        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        JsonNode? body = text.Length == 0 ? null : JsonValue.Create(text);
        if (text.Length > 0 && http.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new ProblemException(StatusCodes.Status400BadRequest, "Malformed JSON", $"The request body is not valid JSON: {ex.Message}");
            }
        }
        var query = new JsonObject();
        foreach (var pair in http.Request.Query) query[pair.Key] = pair.Value.ToString();
        // Only harmless headers reach the workflow: never cookies or Authorization.
        var headers = new JsonObject();
        foreach (var pair in http.Request.Headers.Where(h => ForwardedHeaders.Contains(h.Key))) headers[pair.Key] = pair.Value.ToString();
        return (new JsonObject
        {
            ["method"] = method,
            ["path"] = route,
            ["routeData"] = new JsonObject(),
            ["queryStringData"] = query,
            ["headers"] = headers,
            ["body"] = body,
        }, buffer.GetBuffer().AsMemory(0, (int)buffer.Length)); // the array outlives the stream's disposal
    }

    /// <summary>
    /// Headers a workflow's response may not set: they would act on the product's own origin beyond this one answer
    /// (plant or clear its cookies, pin or redirect its connections, send its visitors' network errors elsewhere, open
    /// it to other origins — every <c>Access-Control-</c> header), loosen the sandbox below, have the browser ask for a
    /// password in the product's name (a Basic sign-in dialog on a 401 or 407), or corrupt the response's framing.
    /// Location and Refresh stay the workflow's: a redirect (to a thank-you page, to the ticket) is an answer a
    /// process owner may design, and where it points is the workflow's, not the caller's.
    /// </summary>
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Set-Cookie", "Set-Cookie2", "Clear-Site-Data", "Content-Security-Policy", "Content-Security-Policy-Report-Only",
        "X-Content-Type-Options", "X-Frame-Options", "Strict-Transport-Security", "Public-Key-Pins", "Public-Key-Pins-Report-Only",
        "Expect-CT", "Alt-Svc", "NEL", "Report-To", "Reporting-Endpoints", "Origin-Agent-Cluster", "Service-Worker-Allowed",
        "WWW-Authenticate", "Proxy-Authenticate",
        "Content-Length", "Content-Encoding", "Transfer-Encoding", "Trailer", "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade",
    };

    private static bool IsReserved(string header) =>
        ReservedHeaders.Contains(header) || header.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase);

    private sealed class WorkflowHttpResult(int status, string body, string contentType, IReadOnlyDictionary<string, string> headers) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            foreach (var pair in headers.Where(h => !IsReserved(h.Key))) httpContext.Response.Headers[pair.Key] = pair.Value;
            // A workflow answers on the product's own origin, where people are signed in: whatever it returns (HTML
            // echoing a caller's input, say) runs sandboxed, with no scripts, and is never sniffed into something else.
            httpContext.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; frame-ancestors 'none'";
            httpContext.Response.Headers.XContentTypeOptions = "nosniff";
            httpContext.Response.ContentType = contentType;
            await httpContext.Response.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
