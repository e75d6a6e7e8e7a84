namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// An attachment as listed: <c>By</c> is who attached it by the name people know them by; <c>Url</c> downloads it;
/// <c>CanDelete</c> says whether the caller may remove it (they attached it, or they work the ticket's group, or own processes).
/// </summary>
internal sealed record TicketAttachmentDto(long Id, string Name, long Size, string Type, string By, DateTimeOffset At, string Sha256, string Url, bool CanDelete);

/// <summary>
/// A ticket's attachments, oldest first, and whether the caller may add more: <c>CannotAdd</c> says why not (the
/// ticket is closed, full, or they only read it as an approver); the limits let a page refuse a file before sending it.
/// </summary>
internal sealed record TicketAttachmentListDto(IReadOnlyList<TicketAttachmentDto> Items, bool CanAdd, string? CannotAdd, long MaxFileBytes, long MaxUploadBytes, int MaxPerTicket);
