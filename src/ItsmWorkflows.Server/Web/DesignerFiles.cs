using Microsoft.Extensions.FileProviders;

namespace ItsmWorkflows.Server.Web;

/// <summary>
/// Serves the web app (built into wwwroot/designer by the build): the designer at /designer/, the portal at /portal/. The files are public, like
/// any web page's scripts: everything they show comes from the API, which decides who may see what.
/// </summary>
internal static class DesignerFiles
{
    public static void UseDesigner(this WebApplication app)
    {
        var root = Path.Combine(app.Environment.ContentRootPath, "wwwroot", "designer");
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            foreach (var prefix in new[] { "/designer", "/portal" })
            {
                app.MapGet(prefix + "/{**path}", () => Results.Problem(
                    "The web app (designer and portal) is not in the server's wwwroot/designer folder. Either it was not built (the build says so when Node.js and npm are missing: Debian apt-get install -y nodejs npm, then build again), or the server was started from another folder than its own (start it there, or pass --contentRoot). The API works meanwhile at /api/docs.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Web app not built")).AllowAnonymous().ExcludeFromDescription();
            }
            return;
        }
        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = "/designer",
            // Built files under assets/ carry a hash of their content in their name: a browser keeps them for good and
            // a new build is new names. The page itself is always checked, so a deploy takes effect at the next load.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                context.Context.Request.Path.StartsWithSegments("/designer/assets") ? "public, max-age=31536000, immutable" : "no-cache",
        });
        // The app routes in the page itself (#/definitions/…): every other path under /designer/ is its page.
        app.MapGet("/designer/{**path:nonfile}", (HttpContext http) => Page(http, root)).AllowAnonymous().ExcludeFromDescription();
        // The portal is the same app at its own address: requesters and agents start there.
        app.MapGet("/portal/{**path:nonfile}", (HttpContext http) => Page(http, root)).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Page(HttpContext http, string root)
    {
        http.Response.Headers.CacheControl = "no-cache";
        return Results.File(Path.Combine(root, "index.html"), "text/html; charset=utf-8");
    }
}
