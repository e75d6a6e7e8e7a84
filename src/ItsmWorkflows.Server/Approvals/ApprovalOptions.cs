namespace ItsmWorkflows.Server.Approvals;

/// <summary>Section "Approvals".</summary>
internal sealed class ApprovalOptions
{
    /// <summary>Where email links point when neither Approvals:BaseUrl nor the server's own address says otherwise.</summary>
    public const string DefaultBaseUrl = "http://localhost:5080";

    /// <summary>How long an emailed link works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>The address people reach the server at, for links in emails (approval links, a notification's ticket page).</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>
    /// Without Approvals:BaseUrl, the address the server was told to listen on (urls: --urls or ASPNETCORE_URLS), its
    /// first http one, with a wildcard host read as localhost: run on port 5277, the email links say 5277, not 5080.
    /// A server behind a proxy or reached by name still needs Approvals:BaseUrl.
    /// </summary>
    public static string? FromListeningAddress(string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls)) return null;
        var addresses = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (chosen is null || !Uri.TryCreate(chosen.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)) return null;
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
    }
}
