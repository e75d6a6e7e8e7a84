using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

internal sealed class WorkflowDefinitionConfiguration(string jsonType) : IEntityTypeConfiguration<WorkflowDefinitionRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowDefinitionRecord> b)
    {
        b.ToTable("workflow_definitions");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.DefinitionId).HasMaxLength(128);
        b.Property(x => x.Name).HasMaxLength(256);
        b.Property(x => x.Json).HasColumnType(jsonType);
        b.Property(x => x.Revision).IsConcurrencyToken();
        b.HasIndex(x => new { x.DefinitionId, x.Version }).IsUnique();
        // At most one published version per definition, enforced by the database itself.
        b.HasIndex(x => x.DefinitionId).IsUnique().HasFilter("state = 'Published'").HasDatabaseName("ix_workflow_definitions_one_published");
    }
}
