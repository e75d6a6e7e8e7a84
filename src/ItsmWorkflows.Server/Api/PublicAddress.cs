namespace ItsmWorkflows.Server.Api;

/// <summary>
/// The address a person on this machine opens for the server, from the addresses it listens on: the first http one
/// (else the first), with a wildcard host (+, *, 0.0.0.0, [::]) read as localhost. The start-up line prints it, and email
/// links use it when Approvals:BaseUrl is not set.
/// </summary>
internal static class PublicAddress
{
    /// <summary>From a urls setting (--urls or ASPNETCORE_URLS: addresses separated by ';'); null without a usable one.</summary>
    public static string? FromUrls(string? urls) =>
        string.IsNullOrWhiteSpace(urls) ? null : From(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>From the addresses the server listens on, without a trailing slash; null without a usable one.</summary>
    public static string? From(IEnumerable<string> addresses)
    {
        var all = addresses.ToList();
        var chosen = all.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? all.FirstOrDefault();
        if (chosen is null || !Uri.TryCreate(chosen.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)) return null;
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
    }
}
