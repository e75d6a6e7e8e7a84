using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>A business service IT provides (email, network, laptops): who owns and supports it, its hours, SLA and cost.</summary>
internal sealed class ServiceRecord
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>User name of the service owner.</summary>
    public string? Owner { get; set; }

    public required string SupportGroup { get; set; }

    /// <summary>The groups that work its incidents, first line first: functional escalation follows this list.</summary>
    public string Tiers { get; set; } = "[]";

    /// <summary>Business calendar of the service hours; SLA clocks count on it.</summary>
    public string Calendar { get; set; } = "24x7";

    public string? SlaDefinitionId { get; set; }

    /// <summary>low, medium, high or critical: weighs in the risk of a change to it.</summary>
    public string Criticality { get; set; } = "medium";

    /// <summary>Percent, such as 99.9.</summary>
    public decimal AvailabilityTarget { get; set; }

    public decimal CostPerUnitMonth { get; set; }

    public string? Unit { get; set; }
}

internal sealed class ServiceConfiguration(string jsonColumnType) : IEntityTypeConfiguration<ServiceRecord>
{
    public void Configure(EntityTypeBuilder<ServiceRecord> b)
    {
        b.ToTable("services");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.SupportGroup).HasMaxLength(128);
        b.Property(x => x.Tiers).HasColumnType(jsonColumnType);
        b.Property(x => x.Calendar).HasMaxLength(128);
        b.Property(x => x.Criticality).HasMaxLength(16);
        b.Property(x => x.AvailabilityTarget).HasPrecision(6, 3);
        b.Property(x => x.CostPerUnitMonth).HasPrecision(12, 2);
    }
}
