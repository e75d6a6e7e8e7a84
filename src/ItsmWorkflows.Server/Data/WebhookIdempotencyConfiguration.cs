using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

internal sealed class WebhookIdempotencyConfiguration : IEntityTypeConfiguration<WebhookIdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<WebhookIdempotencyRecord> b)
    {
        b.ToTable("webhook_idempotency_keys");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.Property(x => x.InstanceId).HasMaxLength(64);
        b.Property(x => x.Owner).HasMaxLength(32);
        b.Property(x => x.ContentType).HasMaxLength(256);
        // The purge deletes by expiry.
        b.HasIndex(x => x.ExpiresAt);
    }
}
