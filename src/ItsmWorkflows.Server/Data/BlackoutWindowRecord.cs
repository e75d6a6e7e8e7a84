using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>A period in which no change may be scheduled (quarter-end, a trading peak), for some services or all.</summary>
internal sealed class BlackoutWindowRecord
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    /// <summary>JSON array of service ids; empty means every service.</summary>
    public string Services { get; set; } = "[]";
}

internal sealed class BlackoutWindowConfiguration(string jsonColumnType) : IEntityTypeConfiguration<BlackoutWindowRecord>
{
    public void Configure(EntityTypeBuilder<BlackoutWindowRecord> b)
    {
        b.ToTable("blackout_windows");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Services).HasColumnType(jsonColumnType);
        b.HasIndex(x => x.Start);
    }
}
