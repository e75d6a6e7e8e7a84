using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>Something a requester can ask for from the catalog: its form, whether and by whom it is approved, who fulfils it, and the workflow that does.</summary>
internal sealed class CatalogItemRecord
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public string? Category { get; set; }

    public string? ServiceId { get; set; }

    /// <summary>The form's fields (JSON array of <see cref="Catalog.FormField"/>).</summary>
    public string Form { get; set; } = "[]";

    public bool ApprovalRequired { get; set; }

    /// <summary>Who approves (JSON array): user names, "group:Name", or "manager" for the requester's manager.</summary>
    public string Approvers { get; set; } = "[]";

    /// <summary>Any (one approval suffices) or All.</summary>
    public string ApprovalRule { get; set; } = "Any";

    public required string FulfilmentGroup { get; set; }

    /// <summary>The fulfilment tasks the workflow opens, in order (JSON array of { title, group }).</summary>
    public string Tasks { get; set; } = "[]";

    public required string WorkflowDefinitionId { get; set; }

    public decimal Price { get; set; }

    /// <summary>Working time (on the service's calendar) the requester is promised delivery in, counted from when fulfilment starts; null: the default.</summary>
    public TimeSpan? DeliveryTarget { get; set; }

    public bool Active { get; set; } = true;
}

internal sealed class CatalogItemConfiguration(string jsonColumnType) : IEntityTypeConfiguration<CatalogItemRecord>
{
    public void Configure(EntityTypeBuilder<CatalogItemRecord> b)
    {
        b.ToTable("catalog_items");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Category).HasMaxLength(100);
        b.Property(x => x.ServiceId).HasMaxLength(64);
        b.Property(x => x.Form).HasColumnType(jsonColumnType);
        b.Property(x => x.Approvers).HasColumnType(jsonColumnType);
        b.Property(x => x.Tasks).HasColumnType(jsonColumnType);
        b.Property(x => x.ApprovalRule).HasMaxLength(16);
        b.Property(x => x.FulfilmentGroup).HasMaxLength(128);
        b.Property(x => x.WorkflowDefinitionId).HasMaxLength(128);
        b.Property(x => x.Price).HasPrecision(12, 2);
    }
}
