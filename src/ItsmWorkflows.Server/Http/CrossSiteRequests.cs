using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// Tells a browser's request sent by a page of another site from one its person made here. The sign-in cookie is
/// SameSite=Lax, so a link or a redirect on another site still brings it along: a workflow endpoint that requires
/// sign-in would act as that person on someone else's behalf (cross-site request forgery).
/// </summary>
internal static class CrossSiteRequests
{
    /// <summary>
    /// True when the browser says a page of another origin sent the request. Sec-Fetch-Site is the browser's own
    /// word (a page cannot set it) and stays true behind a proxy, so it decides when present; Origin is the check
    /// for browsers without it. A request with neither (curl, a monitoring system's webhook) is not a browser's.
    /// </summary>
    public static bool IsFromAnotherOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            // "same-site" is another origin too (a sibling subdomain), and a Lax cookie goes there with a POST as well.
            return !site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !site.Equals("none", StringComparison.OrdinalIgnoreCase);
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return false;
        // "null" (a sandboxed page, a redirect across origins) and anything unreadable count as another origin.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from)) return true;
        var ownPort = request.Host.Port ?? (string.Equals(request.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : 80);
        return !string.Equals(from.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(from.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            || from.Port != ownPort;
    }

    /// <summary>
    /// True when a cookie signed the caller in: only a cookie comes along with a request another site makes. A
    /// scheme a browser never sends by itself (a bearer token, say, should one be added) is not subject to the rule.
    /// </summary>
    public static async Task<bool> IsCookieAuthenticatedAsync(HttpContext http)
    {
        if (http.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is not { Succeeded: true, Ticket: { } ticket }) return false;
        var schemes = http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();
        return await schemes.GetSchemeAsync(ticket.AuthenticationScheme) is { } scheme && typeof(CookieAuthenticationHandler).IsAssignableFrom(scheme.HandlerType);
    }
}
