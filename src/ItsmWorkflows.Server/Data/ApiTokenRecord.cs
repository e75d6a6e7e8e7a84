using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

/// <summary>
/// A personal API token: a monitoring system, a script or an integration calls the API and the workflow endpoints as
/// the person it was made for, with that person's roles, by <c>Authorization: Bearer itsm_…</c>. Only the token's
/// SHA-256 is stored; its first characters (<see cref="Hint"/>) let people tell their tokens apart.
/// </summary>
internal sealed class ApiTokenRecord
{
    public required string Id { get; init; }

    /// <summary>What it is for, as its maker named it ("Monitoring webhook").</summary>
    public required string Name { get; init; }

    /// <summary>The person it acts as.</summary>
    public required string UserName { get; init; }

    public required string TokenHash { get; init; }

    public required string Hint { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiTokenRecord>
{
    public void Configure(EntityTypeBuilder<ApiTokenRecord> b)
    {
        b.ToTable("api_tokens");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(32);
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.UserName).HasMaxLength(256);
        b.Property(x => x.CreatedBy).HasMaxLength(256);
        b.Property(x => x.TokenHash).HasMaxLength(64);
        b.Property(x => x.Hint).HasMaxLength(16);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => x.UserName);
    }
}
