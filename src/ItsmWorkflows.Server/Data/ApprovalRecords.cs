using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>An approval asked by a Request Approval activity: what is approved, for which instance.</summary>
internal sealed class ApprovalRecord
{
    public required string Id { get; init; }

    public required string InstanceId { get; init; }

    public required string DefinitionId { get; init; }

    public int DefinitionVersion { get; init; }

    public required string ActivityId { get; init; }

    public required string Title { get; set; }

    /// <summary>The facts shown to approvers, as JSON.</summary>
    public string? Details { get; set; }

    public string? Requester { get; init; }

    /// <summary>SHA-256 of title and details; a decision counts only for the content it was made on.</summary>
    public required string ContentHash { get; set; }

    public required string Rule { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DueAt { get; set; }
}

/// <summary>
/// One approver's link: only the SHA-256 of the 256-bit token is stored. Bound to one approval and one
/// person (who may decide on behalf of another), usable once, until it expires.
/// </summary>
internal sealed class ApprovalTokenRecord
{
    public required string Id { get; init; }

    public required string ApprovalId { get; init; }

    public required string Approver { get; init; }

    public string? ApproverName { get; init; }

    public string? Email { get; init; }

    /// <summary>Whom the holder decides for as their delegate; cleared when that person's slot is handed over to the holder.</summary>
    public string? OnBehalfOf { get; set; }

    public required string TokenHash { get; set; }

    public required string ContentHash { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? EmailedAt { get; set; }

    public string? EmailError { get; set; }

    /// <summary>How many reminders this approver was sent (each with a fresh link that replaced the one before).</summary>
    public int Reminders { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>Append-only: every decision, who made it for whom, on what content, when, where from.</summary>
internal sealed class ApprovalAuditRecord
{
    public long Id { get; init; }

    public required string ApprovalId { get; init; }

    public required string InstanceId { get; init; }

    public required string Actor { get; init; }

    public string? OnBehalfOf { get; init; }

    public required string Decision { get; init; }

    public string? Comment { get; init; }

    public required string ContentHash { get; init; }

    public required string DefinitionId { get; init; }

    public int DefinitionVersion { get; init; }

    /// <summary>email, web, api or timeout.</summary>
    public required string Channel { get; init; }

    public string? IpAddress { get; init; }

    public string? UserAgent { get; init; }

    public DateTimeOffset At { get; init; }
}

internal sealed class ApprovalConfiguration : IEntityTypeConfiguration<ApprovalRecord>
{
    public void Configure(EntityTypeBuilder<ApprovalRecord> b)
    {
        b.ToTable("approvals");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.InstanceId).HasMaxLength(64);
        b.Property(x => x.ContentHash).HasMaxLength(64);
        b.HasIndex(x => x.InstanceId);
    }
}

internal sealed class ApprovalTokenConfiguration : IEntityTypeConfiguration<ApprovalTokenRecord>
{
    public void Configure(EntityTypeBuilder<ApprovalTokenRecord> b)
    {
        b.ToTable("approval_tokens");
        b.HasKey(x => x.Id);
        b.Property(x => x.TokenHash).HasMaxLength(64);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => new { x.ApprovalId, x.Approver }).IsUnique();
        b.HasIndex(x => x.Approver);
        b.HasOne<ApprovalRecord>().WithMany().HasForeignKey(x => x.ApprovalId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApprovalAuditConfiguration : IEntityTypeConfiguration<ApprovalAuditRecord>
{
    public void Configure(EntityTypeBuilder<ApprovalAuditRecord> b)
    {
        b.ToTable("approval_audit");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.ApprovalId);
        b.Property(x => x.Decision).HasMaxLength(16);
        b.Property(x => x.Channel).HasMaxLength(16);
    }
}
