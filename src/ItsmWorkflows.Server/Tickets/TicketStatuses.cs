namespace ItsmWorkflows.Server.Tickets;

/// <summary>The status names shared by the shipped processes and the API.</summary>
internal static class TicketStatuses
{
    public const string New = "New";
    public const string Cancelled = "Cancelled";
    public const string WaitingOnCustomer = "Waiting on customer";
    public const string Resolved = "Resolved";
    public const string Closed = "Closed";

    /// <summary>A final status ends the ticket: closed, cancelled, rejected or fulfilled. Resolved is not final (it can reopen).</summary>
    public static bool IsFinal(string status) =>
        status.StartsWith(Closed, StringComparison.OrdinalIgnoreCase)
        || status.Equals(Cancelled, StringComparison.OrdinalIgnoreCase)
        || status.Equals("Rejected", StringComparison.OrdinalIgnoreCase)
        || status.Equals("Fulfilled", StringComparison.OrdinalIgnoreCase);
}
