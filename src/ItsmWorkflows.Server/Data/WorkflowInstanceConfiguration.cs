using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

internal sealed class WorkflowInstanceConfiguration(string jsonType) : IEntityTypeConfiguration<WorkflowInstanceRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowInstanceRecord> b)
    {
        b.ToTable("workflow_instances");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.DefinitionId).HasMaxLength(128);
        b.Property(x => x.DefinitionVersionId).HasMaxLength(64);
        b.Property(x => x.CorrelationId).HasMaxLength(256);
        b.Property(x => x.State).HasColumnType(jsonType);
        b.Property(x => x.Revision).IsConcurrencyToken();
        b.HasIndex(x => new { x.DefinitionId, x.Version });
        b.HasIndex(x => x.CorrelationId);
        b.HasIndex(x => new { x.Status, x.CreatedAt });
        b.HasIndex(x => new { x.SubStatus, x.CreatedAt });
        b.HasIndex(x => new { x.DefinitionId, x.CreatedAt });
        b.HasIndex(x => x.CreatedAt);
    }
}
