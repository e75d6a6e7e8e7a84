using System.Text;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Data;

/// <summary>
/// The application database. Provider-neutral; <see cref="SqliteItsmDbContext"/> and
/// <see cref="PostgresItsmDbContext"/> exist only so each provider has its own migrations.
/// </summary>
internal abstract class ItsmDbContext(DbContextOptions options) : IdentityDbContext<Person>(options), Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    /// <summary>
    /// The keys that protect sign-in cookies, anti-forgery tokens and the approval page's forms: in the database, so
    /// every node reads the same ring and a restart, a new release folder or a new container signs nobody out.
    /// </summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys => Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    public DbSet<WorkflowDefinitionRecord> Definitions => Set<WorkflowDefinitionRecord>();

    /// <summary>
    /// Whether this is the PostgreSQL context. Use it on hot paths instead of Database.IsNpgsql(), which reads the
    /// provider's assembly name by reflection on every call (measured: about 1 % of a start's CPU).
    /// </summary>
    public bool IsPostgres => this is PostgresItsmDbContext;

    /// <summary>Topics of tickets saved by this context and not yet published (see Live.TicketChangeInterceptor).</summary>
    internal HashSet<string> PendingLiveTopics { get; } = new(StringComparer.Ordinal);

    /// <summary>The explicit transaction <see cref="PendingLiveTopics"/> were saved in (null: none); topics of another one are stale.</summary>
    internal Guid? PendingLiveTransaction { get; set; }

    public DbSet<WorkflowInstanceRecord> Instances => Set<WorkflowInstanceRecord>();

    public DbSet<BookmarkRecord> Bookmarks => Set<BookmarkRecord>();

    public DbSet<TimerRecord> Timers => Set<TimerRecord>();

    public DbSet<JournalEntryRecord> Journal => Set<JournalEntryRecord>();

    public DbSet<IncidentRecord> Incidents => Set<IncidentRecord>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<ApprovalRecord> Approvals => Set<ApprovalRecord>();

    public DbSet<ApprovalTokenRecord> ApprovalTokens => Set<ApprovalTokenRecord>();

    public DbSet<ApprovalAuditRecord> ApprovalAudit => Set<ApprovalAuditRecord>();

    public DbSet<CalendarRecord> Calendars => Set<CalendarRecord>();

    public DbSet<TriggerRecord> Triggers => Set<TriggerRecord>();

    public DbSet<Group> Groups => Set<Group>();

    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();

    public DbSet<ServiceRecord> Services => Set<ServiceRecord>();

    public DbSet<CatalogItemRecord> CatalogItems => Set<CatalogItemRecord>();

    public DbSet<TicketRecord> Tickets => Set<TicketRecord>();

    public DbSet<TicketEventRecord> TicketEvents => Set<TicketEventRecord>();

    public DbSet<TicketAttachmentRecord> TicketAttachments => Set<TicketAttachmentRecord>();

    public DbSet<TicketCounterRecord> TicketCounters => Set<TicketCounterRecord>();

    public DbSet<SlaDefinitionRecord> SlaDefinitions => Set<SlaDefinitionRecord>();

    public DbSet<BlackoutWindowRecord> BlackoutWindows => Set<BlackoutWindowRecord>();

    public DbSet<ChangeTemplateRecord> ChangeTemplates => Set<ChangeTemplateRecord>();

    public DbSet<SettingRecord> Settings => Set<SettingRecord>();

    public DbSet<ApiTokenRecord> ApiTokens => Set<ApiTokenRecord>();

    public DbSet<WebhookIdempotencyRecord> WebhookIdempotencyKeys => Set<WebhookIdempotencyRecord>();

    /// <summary>The column type for JSON documents: jsonb on PostgreSQL, text elsewhere.</summary>
    protected abstract string JsonColumnType { get; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfiguration(new WorkflowDefinitionConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new WorkflowInstanceConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new BookmarkConfiguration());
        builder.ApplyConfiguration(new TimerConfiguration());
        builder.ApplyConfiguration(new JournalEntryConfiguration());
        builder.ApplyConfiguration(new IncidentConfiguration());
        builder.ApplyConfiguration(new OutboxConfiguration());
        builder.ApplyConfiguration(new ApprovalConfiguration());
        builder.ApplyConfiguration(new ApprovalTokenConfiguration());
        builder.ApplyConfiguration(new ApprovalAuditConfiguration());
        builder.ApplyConfiguration(new CalendarConfiguration());
        builder.ApplyConfiguration(new TriggerConfiguration());
        builder.ApplyConfiguration(new GroupConfiguration());
        builder.ApplyConfiguration(new GroupMemberConfiguration());
        builder.ApplyConfiguration(new ServiceConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new CatalogItemConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new TicketConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new TicketEventConfiguration());
        builder.ApplyConfiguration(new TicketAttachmentConfiguration());
        builder.ApplyConfiguration(new TicketCounterConfiguration());
        builder.ApplyConfiguration(new SlaDefinitionConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new BlackoutWindowConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new ChangeTemplateConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new SettingConfiguration(JsonColumnType));
        builder.ApplyConfiguration(new ApiTokenConfiguration());
        builder.ApplyConfiguration(new WebhookIdempotencyConfiguration());
        ApplySnakeCase(builder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ConfigureCommonConventions(configurationBuilder);
    }

    protected static void ConfigureCommonConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Enums are stored by name, so the database reads like the API and survives reordering.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    private static void ApplySnakeCase(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table) entity.SetTableName(SnakeCase(table));
            foreach (var property in entity.GetProperties()) property.SetColumnName(SnakeCase(property.Name));
            foreach (var key in entity.GetKeys()) key.SetName(SnakeCase(key.GetName() ?? ""));
            foreach (var foreignKey in entity.GetForeignKeys()) foreignKey.SetConstraintName(SnakeCase(foreignKey.GetConstraintName() ?? ""));
            foreach (var index in entity.GetIndexes()) index.SetDatabaseName(SnakeCase(index.GetDatabaseName() ?? ""));
        }
    }

    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])))) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
