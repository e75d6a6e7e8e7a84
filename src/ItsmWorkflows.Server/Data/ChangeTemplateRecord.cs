using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>
/// A standard change model: routine, low-risk work whose plans were authorized once, so a change raised from it goes
/// ahead without the Change Advisory Board. The only way to raise a standard change; retiring one stops new changes
/// from it and leaves the changes raised from it as they are.
/// </summary>
internal sealed class ChangeTemplateRecord
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    /// <summary>When the template applies, and when it does not (the people raising changes read it).</summary>
    public string? Description { get; set; }

    /// <summary>JSON array of the service ids it is authorized for (at least one).</summary>
    public string Services { get; set; } = "[]";

    /// <summary>Who carries it out; none: the main service's technical team, as for any change.</summary>
    public string? AssignmentGroup { get; set; }

    public required string ImplementationPlan { get; set; }

    public required string BackoutPlan { get; set; }

    public string? TestPlan { get; set; }

    /// <summary>The longest window a change from it may plan; none: any.</summary>
    public TimeSpan? MaxDuration { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    /// <summary>Optimistic concurrency: two process owners editing one template never both win.</summary>
    public long Revision { get; set; }
}

internal sealed class ChangeTemplateConfiguration(string jsonColumnType) : IEntityTypeConfiguration<ChangeTemplateRecord>
{
    public void Configure(EntityTypeBuilder<ChangeTemplateRecord> b)
    {
        b.ToTable("change_templates");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Services).HasColumnType(jsonColumnType);
        b.Property(x => x.AssignmentGroup).HasMaxLength(128);
        b.Property(x => x.UpdatedBy).HasMaxLength(256);
        b.Property(x => x.Revision).IsConcurrencyToken();
    }
}
