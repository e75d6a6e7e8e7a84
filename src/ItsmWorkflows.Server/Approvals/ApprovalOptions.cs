namespace ItsmWorkflows.Server.Approvals;

/// <summary>Section "Approvals".</summary>
internal sealed class ApprovalOptions
{
    /// <summary>How long an emailed link works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>The address people reach the server at, for links in emails (approval links, a notification's ticket page).</summary>
    public string BaseUrl { get; set; } = "http://localhost:5080";
}
