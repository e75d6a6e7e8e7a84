using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

internal sealed class BookmarkConfiguration : IEntityTypeConfiguration<BookmarkRecord>
{
    public void Configure(EntityTypeBuilder<BookmarkRecord> b)
    {
        b.ToTable("bookmarks");
        b.HasKey(x => x.Id);
        b.Property(x => x.StimulusHash).HasMaxLength(64);
        b.HasIndex(x => x.StimulusHash);
        b.HasIndex(x => x.InstanceId);
        // No index on due_at: due bookmarks are found through the timers table, and an index every
        // bookmark row pays for on each burst must earn its write.
        b.Property(x => x.InstanceId).HasMaxLength(64);
        // No foreign key to workflow_instances: bookmarks are written only by the instance writer, in the same
        // statement as their instance row (and instances are never deleted), so the key would only re-check that on
        // every insert; its row lock and lookup cost about a sixth of a start's database time (measured with Npgsql).
    }
}
