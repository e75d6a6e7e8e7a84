using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ItsmWorkflows.Server.Data;

internal enum TicketKind
{
    Request,
    Task,
    Change,
    Incident,
}

/// <summary>
/// A request (REQ), fulfilment task (TASK), change (CHG) or incident (INC). One table, as ServiceNow's task
/// table: "what is assigned to my group" and "what did I raise" are one query across kinds. What only one
/// kind has lives in columns it alone fills (priority, planned window, risk) or in <see cref="Details"/>.
/// </summary>
internal sealed class TicketRecord
{
    public required string Id { get; init; }

    public required string Number { get; init; }

    public TicketKind Kind { get; init; }

    /// <summary>The longest title a ticket takes (the column's size on PostgreSQL; SQLite would take any).</summary>
    public const int MaxTitleLength = Engine.Activities.Tickets.RaiseIncident.MaxTitleLength;

    public required string Title { get; set; }

    public string? Description { get; set; }

    public required string Status { get; set; }

    public string? Requester { get; set; }

    public string? AssignmentGroup { get; set; }

    public string? Assignee { get; set; }

    /// <summary>A task's request or change.</summary>
    public string? ParentNumber { get; init; }

    public string? ServiceId { get; set; }

    public string? CatalogItemId { get; init; }

    /// <summary>The workflow instance that runs this ticket's process.</summary>
    public string? InstanceId { get; set; }

    /// <summary>1 (critical) … 4 (low): incidents, from impact × urgency.</summary>
    public int? Priority { get; set; }

    public int? Impact { get; set; }

    public int? Urgency { get; set; }

    /// <summary>Changes: standard, normal or emergency.</summary>
    public string? ChangeType { get; init; }

    /// <summary>A standard change: the template it was raised from.</summary>
    public string? ChangeTemplateId { get; init; }

    public string? Risk { get; set; }

    public DateTimeOffset? PlannedStart { get; set; }

    public DateTimeOffset? PlannedEnd { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The rest, as JSON: form answers, plans, questionnaire, affected services, closing notes.</summary>
    public string Details { get; set; } = "{}";

    /// <summary>
    /// A request's form answers as search reads them: their values only, one a line (see TicketSearch.AnswersText).
    /// Searching <see cref="Details"/> itself would match its JSON: every laptop request has a "model".
    /// Written with the answers, once, as the request is raised.
    /// </summary>
    public string? AnswersText { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Optimistic concurrency: two people editing the same ticket never both win.</summary>
    public long Revision { get; set; }

    /// <summary>For an incident a workflow raised from an alert: the alert's key; the alert firing again while it is open is noted on it.</summary>
    public string? AlertKey { get; init; }

    /// <summary>The workflow's request that raised it (Raise Incident's outbox message): a redelivery finds it instead of raising another.</summary>
    public string? RaisedBy { get; init; }
}

internal sealed class TicketConfiguration(string jsonColumnType) : IEntityTypeConfiguration<TicketRecord>
{
    public void Configure(EntityTypeBuilder<TicketRecord> b)
    {
        b.ToTable("tickets");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.Number).HasMaxLength(16);
        b.HasIndex(x => x.Number).IsUnique();
        b.Property(x => x.Title).HasMaxLength(TicketRecord.MaxTitleLength);
        b.Property(x => x.Status).HasMaxLength(64);
        b.Property(x => x.Requester).HasMaxLength(256);
        b.Property(x => x.AssignmentGroup).HasMaxLength(128);
        b.Property(x => x.Assignee).HasMaxLength(256);
        b.Property(x => x.ParentNumber).HasMaxLength(16);
        b.Property(x => x.ServiceId).HasMaxLength(64);
        b.Property(x => x.CatalogItemId).HasMaxLength(64);
        b.Property(x => x.InstanceId).HasMaxLength(64);
        b.Property(x => x.ChangeType).HasMaxLength(16);
        b.Property(x => x.ChangeTemplateId).HasMaxLength(64);
        b.HasIndex(x => x.ChangeTemplateId);
        b.Property(x => x.Risk).HasMaxLength(16);
        b.Property(x => x.Details).HasColumnType(jsonColumnType);
        b.Property(x => x.Revision).IsConcurrencyToken();
        b.HasIndex(x => new { x.Kind, x.Status });
        b.HasIndex(x => x.AssignmentGroup);
        b.HasIndex(x => x.Requester);
        b.HasIndex(x => x.ParentNumber);
        b.Property(x => x.AlertKey).HasMaxLength(Engine.Activities.Tickets.RaiseIncident.MaxAlertKeyLength);
        b.HasIndex(x => x.AlertKey);
        b.Property(x => x.RaisedBy).HasMaxLength(64);
        b.HasIndex(x => x.RaisedBy).IsUnique();
        b.HasIndex(x => new { x.Kind, x.PlannedStart });
    }
}
