using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>Response and resolution targets per priority, counted on a business calendar, paused in some states.</summary>
internal sealed class SlaDefinitionRecord
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public string Calendar { get; set; } = "24x7";

    /// <summary>JSON: { "1": { "response": "00:15:00", "resolution": "04:00:00" }, "2": … }.</summary>
    public string Targets { get; set; } = "{}";

    /// <summary>JSON array of the statuses in which the clocks stop counting, such as "Waiting on customer".</summary>
    public string PauseStatuses { get; set; } = "[]";
}

internal sealed class SlaDefinitionConfiguration(string jsonColumnType) : IEntityTypeConfiguration<SlaDefinitionRecord>
{
    public void Configure(EntityTypeBuilder<SlaDefinitionRecord> b)
    {
        b.ToTable("sla_definitions");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Calendar).HasMaxLength(128);
        b.Property(x => x.Targets).HasColumnType(jsonColumnType);
        b.Property(x => x.PauseStatuses).HasColumnType(jsonColumnType);
    }
}
