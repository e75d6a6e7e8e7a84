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
        var user = context.HttpContext.User.Identity;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status401Unauthorized => "Sign in first: POST /account/login with your user name and password (or /account/demo-sign-in in the demo), then send the cookie it sets.",
            StatusCodes.Status403Forbidden => $"{(user?.IsAuthenticated == true ? $"You are signed in as {user.Name}, whose roles" : "Your roles")} do not allow this. See the API table in the README for who may do what, or ask an administrator for the role.",
            StatusCodes.Status404NotFound => $"There is nothing at {context.HttpContext.Request.Method} {context.HttpContext.Request.Path}; the API reference is at /api/docs.",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Path} does not take {context.HttpContext.Request.Method}; the API reference at /api/docs lists what it takes.",
            _ => problem.Detail,
        };
    }
}
