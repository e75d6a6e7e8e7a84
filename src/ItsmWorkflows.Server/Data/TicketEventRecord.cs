using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>A line of a ticket's history: created, status changed, assigned, a note, a task opened or closed.</summary>
internal sealed class TicketEventRecord
{
    public long Id { get; init; }

    public required string TicketNumber { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>User name, or "workflow" for what the process did.</summary>
    public string? Actor { get; init; }

    public required string Kind { get; init; }

    public required string Text { get; init; }
}

internal sealed class TicketEventConfiguration : IEntityTypeConfiguration<TicketEventRecord>
{
    public void Configure(EntityTypeBuilder<TicketEventRecord> b)
    {
        b.ToTable("ticket_events");
        b.HasKey(x => x.Id);
        b.Property(x => x.TicketNumber).HasMaxLength(16);
        b.Property(x => x.Actor).HasMaxLength(256);
        b.Property(x => x.Kind).HasMaxLength(32);
        b.HasIndex(x => new { x.TicketNumber, x.Id });
    }
}
