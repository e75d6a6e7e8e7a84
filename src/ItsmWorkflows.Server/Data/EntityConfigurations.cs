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

internal sealed class BookmarkConfiguration : IEntityTypeConfiguration<BookmarkRecord>
{
    public void Configure(EntityTypeBuilder<BookmarkRecord> b)
    {
        b.ToTable("bookmarks");
        b.HasKey(x => x.Id);
        b.Property(x => x.StimulusHash).HasMaxLength(64);
        b.HasIndex(x => x.StimulusHash);
        b.HasIndex(x => x.InstanceId);
        b.HasIndex(x => x.DueAt);
        b.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TimerConfiguration : IEntityTypeConfiguration<TimerRecord>
{
    public void Configure(EntityTypeBuilder<TimerRecord> b)
    {
        b.ToTable("timers");
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.FiredAt, x.DueAt });
        b.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class JournalEntryConfiguration : IEntityTypeConfiguration<JournalEntryRecord>
{
    public void Configure(EntityTypeBuilder<JournalEntryRecord> b)
    {
        b.ToTable("journal_entries");
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.InstanceId, x.Sequence }).IsUnique();
        b.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<IncidentRecord>
{
    public void Configure(EntityTypeBuilder<IncidentRecord> b)
    {
        b.ToTable("incidents");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.InstanceId);
        b.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasMaxLength(64);
        b.HasIndex(x => new { x.ProcessedAt, x.AvailableAt });
    }
}

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

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> b)
    {
        b.ToTable("groups");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(128);
        b.HasIndex(x => x.Name).IsUnique();
        b.HasMany(x => x.Members).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> b)
    {
        b.ToTable("group_members");
        b.HasKey(x => new { x.GroupId, x.PersonId });
        b.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
