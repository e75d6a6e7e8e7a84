namespace ItsmWorkflows.Server.Api;

/// <summary>
/// Puts words on the bare status codes the framework answers with (no sign-in, not allowed, no such route),
/// so those too carry a message a person can act on.
/// </summary>
internal static class StatusProblems
{
    public static void Explain(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!string.IsNullOrEmpty(problem.Detail)) return;
        var http = context.HttpContext;
        var user = http.User.Identity;
        problem.Detail = problem.Status switch
        {
            // A token that did not work says so: "sign in first" sent a script's author looking in the wrong place.
            StatusCodes.Status401Unauthorized when Identity.ApiTokenAuthentication.TokenOf(http.Request) is not null =>
                "The API token is unknown, revoked or expired, or its person's account is switched off; make a new one (POST /api/tokens, signed in, or the portal's API tokens page).",
            StatusCodes.Status401Unauthorized => "Sign in first: POST /account/login with your user name and password"
                + (http.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<Identity.DemoOptions>>()?.Value.Enabled == true ? " (or /account/demo-sign-in in the demo)" : "")
                + ", then send the cookie it sets; a script sends 'Authorization: Bearer <API token>' instead.",
            StatusCodes.Status403Forbidden => $"{(user?.IsAuthenticated == true ? $"You are signed in as {user.Name}, whose roles" : "Your roles")} do not allow this.{Needed(http)} Ask an administrator for the role if you need it.",
            StatusCodes.Status404NotFound => $"There is nothing at {context.HttpContext.Request.Method} {context.HttpContext.Request.Path}; the API reference is at /api/docs.",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Path} does not take {context.HttpContext.Request.Method}; the API reference at /api/docs lists what it takes.",
            _ => problem.Detail,
        };
    }

    /// <summary>Who may, from the endpoint's own policies: " It needs the role agent, process owner or admin."</summary>
    private static string Needed(HttpContext http)
    {
        var policies = http.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList() ?? [];
        // The strictest one named (an endpoint inherits its group's "signed in" as well).
        var needed = policies.Select(Identity.Policies.WhoMay).OfType<string>().LastOrDefault();
        return needed is null ? "" : $" It is for {needed}.";
    }
}
