namespace ItsmWorkflows.Server.Tickets;

/// <summary>How much may be attached to tickets (section "Attachments"): the files live in the database, so it is bounded.</summary>
internal sealed class AttachmentOptions
{
    public const string Section = "Attachments";

    /// <summary>The largest file one attachment may be (10 MB).</summary>
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// The most one upload may carry, all its files together (30 MB): the request body limit of the upload endpoint,
    /// which the server holds in memory while it checks the files and saves them in one transaction.
    /// </summary>
    public long MaxUploadBytes { get; set; } = 30 * 1024 * 1024;

    /// <summary>The most attachments one ticket may have.</summary>
    public int MaxPerTicket { get; set; } = 50;

    /// <summary>Kept well under what one value may be on either database (PostgreSQL's bytea takes 1 GB) and under what a request holds in memory.</summary>
    private const long Ceiling = 256 * 1024 * 1024;

    public static bool IsValid(AttachmentOptions o) =>
        o.MaxFileBytes is > 0 and <= Ceiling && o.MaxUploadBytes >= o.MaxFileBytes && o.MaxUploadBytes <= Ceiling && o.MaxPerTicket > 0;

    public const string Message = "Attachments:MaxFileBytes is a size in bytes from 1 to 268435456 (256 MB), Attachments:MaxUploadBytes at least as large and at most 256 MB, and Attachments:MaxPerTicket at least 1.";
}
