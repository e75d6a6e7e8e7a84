using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

internal sealed class TriggerConfiguration : IEntityTypeConfiguration<TriggerRecord>
{
    public void Configure(EntityTypeBuilder<TriggerRecord> b)
    {
        b.ToTable("workflow_triggers");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.StimulusHash);
        b.HasIndex(x => x.DefinitionId);
    }
}
