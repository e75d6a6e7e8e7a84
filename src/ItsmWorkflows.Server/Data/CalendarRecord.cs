using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>A business calendar (working hours, time zone, holidays) as its JSON definition.</summary>
internal sealed class CalendarRecord
{
    public required string Name { get; init; }

    public required string Json { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

internal sealed class CalendarConfiguration : IEntityTypeConfiguration<CalendarRecord>
{
    public void Configure(EntityTypeBuilder<CalendarRecord> b)
    {
        b.ToTable("calendars");
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(128);
    }
}
