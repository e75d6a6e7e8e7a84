namespace ItsmWorkflows.Server.Http;

/// <summary>
/// Refuses what a page of another origin asks a browser to send here: every request that changes something
/// (POST, PUT, PATCH, DELETE) and the live updates' connection. The sign-in cookie is SameSite=Lax, and a sibling
/// subdomain is the same site, so its page's form posts carry the cookie; an endpoint that reads its body whatever
/// the content type, or takes no body (publish, retire, cancel), would act for the person who opened that page.
/// No page of this server posts across origins and no API client sends Origin or Sec-Fetch-Site, so the rule costs
/// them nothing. Workflow HTTP endpoints decide for themselves (a webhook is called from anywhere): see
/// <see cref="WorkflowHttpEndpoints"/>. It runs after authentication, which answers an OpenID Connect provider's
/// callback itself: the provider posts it from its own site (response_mode=form_post).
/// </summary>
internal static class CrossSiteRefusal
{
    public static IApplicationBuilder UseCrossSiteRefusal(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (Applies(http.Request) && CrossSiteRequests.IsFromAnotherOrigin(http.Request))
        {
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Request from another site",
                detail: "This server takes changes only from its own pages: a page of another site (or another subdomain) sent this request. Use this site's pages, or call the API without a browser.")
                .ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    private static bool Applies(HttpRequest request)
    {
        if (request.Path.StartsWithSegments("/workflows", StringComparison.OrdinalIgnoreCase)) return false;
        // The live updates' WebSocket opens with a GET; what it shows is the signed-in person's.
        if (request.Path.StartsWithSegments(Live.LiveHub.Path, StringComparison.OrdinalIgnoreCase)) return true;
        return !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method) && !HttpMethods.IsTrace(request.Method);
    }
}
