using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>
/// A file attached to a ticket (a screenshot on an incident, a quote on a request, a plan on a change), kept in the
/// database with its bytes: every node serves it, and a backup of the database holds it. The name and type are the
/// server's (sanitized, from an allow-list), never the uploader's as sent.
/// </summary>
internal sealed class TicketAttachmentRecord
{
    /// <summary>In the order files were attached (a ticket lists them so); never a way in by itself: every read checks the ticket.</summary>
    public long Id { get; init; }

    public required string TicketNumber { get; init; }

    public required string FileName { get; init; }

    public required string ContentType { get; init; }

    public long Size { get; init; }

    /// <summary>SHA-256 of the bytes, lower-case hex: the download's ETag, and a way to check a copy.</summary>
    public required string Sha256 { get; init; }

    /// <summary>User name of who attached it.</summary>
    public required string UploadedBy { get; init; }

    public DateTimeOffset UploadedAt { get; init; }

    /// <summary>
    /// Last, so it is the table's last column: a list reads the other columns only, and SQLite then never walks the
    /// bytes' overflow pages (PostgreSQL keeps large values out of line anyway).
    /// </summary>
    public required byte[] Content { get; init; }
}

internal sealed class TicketAttachmentConfiguration : IEntityTypeConfiguration<TicketAttachmentRecord>
{
    public void Configure(EntityTypeBuilder<TicketAttachmentRecord> b)
    {
        b.ToTable("ticket_attachments");
        b.HasKey(x => x.Id);
        b.Property(x => x.TicketNumber).HasMaxLength(16);
        b.Property(x => x.FileName).HasMaxLength(Tickets.AttachmentFiles.MaxNameLength);
        b.Property(x => x.ContentType).HasMaxLength(100);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.UploadedBy).HasMaxLength(256);
        // No foreign key to tickets, as for ticket_events: a ticket is only ever removed when its process could not
        // start, before anything could be attached to it.
        b.HasIndex(x => new { x.TicketNumber, x.UploadedAt });
    }
}
