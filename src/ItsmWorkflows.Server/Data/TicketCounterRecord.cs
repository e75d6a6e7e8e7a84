using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>The last number handed out per prefix (REQ, TASK, CHG, INC); incremented in the transaction that creates the ticket.</summary>
internal sealed class TicketCounterRecord
{
    public required string Prefix { get; init; }

    public long Last { get; set; }
}

internal sealed class TicketCounterConfiguration : IEntityTypeConfiguration<TicketCounterRecord>
{
    public void Configure(EntityTypeBuilder<TicketCounterRecord> b)
    {
        b.ToTable("ticket_counters");
        b.HasKey(x => x.Prefix);
        b.Property(x => x.Prefix).HasMaxLength(8);
        // Numbers start at 1001, so the first request reads REQ0001001 like the tools people know.
        b.HasData(
            new TicketCounterRecord { Prefix = "REQ", Last = 1000 },
            new TicketCounterRecord { Prefix = "TASK", Last = 1000 },
            new TicketCounterRecord { Prefix = "CHG", Last = 1000 },
            new TicketCounterRecord { Prefix = "INC", Last = 1000 });
    }
}
