namespace ItsmWorkflows.Server.Api;

/// <summary>How the server shows things to people: <c>Display:TimeZone</c>, the organisation's zone for times in emails and histories.</summary>
internal sealed class DisplayOptions
{
    /// <summary>An IANA zone such as Europe/Berlin or America/New_York; UTC when unset.</summary>
    public string TimeZone { get; set; } = "UTC";

    public static bool IsValid(DisplayOptions options) => TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _);

    public const string Message = "Display:TimeZone is a time zone this machine knows, by its IANA name such as Europe/Berlin, America/New_York or UTC (see /usr/share/zoneinfo).";
}
