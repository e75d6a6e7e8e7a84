using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Engine.Validation;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Approvals;
using ItsmWorkflows.Server.Calendars;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Changes;
using ItsmWorkflows.Server.Incidents;
using ItsmWorkflows.Server.Requests;
using ItsmWorkflows.Server.Tickets;
using ItsmWorkflows.Server.Web;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Definitions;
using ItsmWorkflows.Server.Http;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Instances;
using ItsmWorkflows.Server.Mail;
using ItsmWorkflows.Server.Runtime;
using ItsmWorkflows.Server.Sandbox;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// Where things live: the database (SQLite by default, PostgreSQL when configured) and who is calling.
builder.AddItsmDatabase();
builder.AddItsmIdentity();
// The demo (seeded people, password-less sign-in, the dev mailbox) is the embedded default's, never a production
// server's by accident: in Production it is on only when Demo:Enabled says so.
var demo = builder.Configuration.GetValue("Demo:Enabled", !DatabaseSetup.UsesPostgres(builder.Configuration) && !builder.Environment.IsProduction());
builder.Services.Configure<DemoOptions>(o => o.Enabled = demo);

// The engine and the features built on it.
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(ActivityRegistry.CreateDefault());
builder.Services.AddScoped<IWorkflowDefinitionProvider, DbWorkflowDefinitionProvider>();
builder.Services.AddSingleton<ParsedDefinitionCache>();
builder.Services.AddScoped(sp => new WorkflowValidator(sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<IWorkflowDefinitionProvider>()));
builder.Services.AddSingleton(sp => new PlanCache(sp.GetRequiredService<ActivityRegistry>()));
builder.Services.AddSingleton<LoggingLineWriter>();
builder.Services.AddSingleton<IncidentLog>();
// Workflow HTTP requests and mail attachments, both behind the outbound network policy.
builder.AddOutboundHttp();
// A reverse proxy's X-Forwarded-* headers, believed from loopback and the proxies configured (see ForwardedHeadersSetup).
builder.AddItsmForwardedHeaders();
// The engine's clock is the server's, unless a host registers its own under "engine" (tests and sandboxes move
// it while sign-in cookies keep real time).
builder.Services.AddSingleton(sp =>
{
    var publicAddress = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ItsmWorkflows.Server.Approvals.ApprovalOptions>>().Value.BaseUrl.TrimEnd('/');
    return new WorkflowServices
    {
        Time = sp.GetKeyedService<TimeProvider>(EngineClock.Key) ?? sp.GetRequiredService<TimeProvider>(),
        Lines = sp.GetRequiredService<LoggingLineWriter>(),
        Http = sp.GetRequiredService<HttpClientRequestSender>(),
        Approvers = sp.GetRequiredService<DbApproverDirectory>(),
        Calendars = sp.GetRequiredService<ItsmWorkflows.Engine.Calendars.IBusinessCalendarProvider>(),
        ChangeSchedule = sp.GetRequiredService<ItsmWorkflows.Server.Changes.DbChangeScheduleProvider>(),
        Tickets = sp.GetRequiredService<ItsmWorkflows.Server.Tickets.DbTicketDirectory>(),
        IncidentIntake = sp.GetRequiredService<ItsmWorkflows.Server.Incidents.DbIncidentIntake>(),
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ItsmWorkflows.Server.Api.DisplayOptions>>().Value.TimeZone),
        IsTransientFailure = EfWorkflowInstanceStore.IsTransient,
        // The same public address as the approval links: a notification's button opens the ticket's tracking page.
        TicketUrl = number => $"{publicAddress}/portal/#/tickets/{Uri.EscapeDataString(number)}",
        IncidentCommitted = sp.GetRequiredService<IncidentLog>().Committed,
    };
});
builder.Services.AddScoped<IWorkflowInstanceStore, EfWorkflowInstanceStore>();
builder.Services.AddScoped<ItsmWorkflows.Server.Tickets.TicketRecordWriter>();
builder.Services.AddScoped<ItsmWorkflows.Server.Tickets.TicketService>();
builder.Services.AddScoped<ItsmWorkflows.Server.Incidents.IncidentRaiser>();
builder.Services.AddScoped<ItsmWorkflows.Server.Tickets.TicketProcessViews>();
builder.Services.AddScoped<ItsmWorkflows.Server.Tickets.TicketAttachmentService>();
builder.Services.AddOptions<ItsmWorkflows.Server.Tickets.AttachmentOptions>().Bind(builder.Configuration.GetSection(ItsmWorkflows.Server.Tickets.AttachmentOptions.Section))
    .Validate(ItsmWorkflows.Server.Tickets.AttachmentOptions.IsValid, ItsmWorkflows.Server.Tickets.AttachmentOptions.Message).ValidateOnStart();
builder.Services.AddSingleton<ItsmWorkflows.Server.Changes.DbChangeScheduleProvider>();
builder.Services.AddSingleton<ItsmWorkflows.Server.Tickets.DbTicketDirectory>();
builder.Services.AddSingleton<ItsmWorkflows.Server.Incidents.DbIncidentIntake>();
builder.Services.AddSingleton<InstanceStateCache>();
builder.Services.AddSingleton<PublishedVersionCache>();
builder.Services.AddSingleton<ItsmWorkflows.Server.Sandbox.TestRuns>();
builder.Services.AddOptions<ItsmWorkflows.Server.Api.DisplayOptions>().Bind(builder.Configuration.GetSection("Display"))
    .Validate(ItsmWorkflows.Server.Api.DisplayOptions.IsValid, ItsmWorkflows.Server.Api.DisplayOptions.Message).ValidateOnStart();
builder.Services.AddOptions<MailOptions>().Bind(builder.Configuration.GetSection("Mail")).Validate(MailSettingsCheck.IsValid, MailSettingsCheck.Message).ValidateOnStart();
builder.Services.AddOptions<ItsmWorkflows.Server.Catalog.CatalogOptions>().Bind(builder.Configuration.GetSection("Catalog"))
    .Validate(o => o.Currency is { Length: 3 } c && c.All(char.IsAsciiLetterUpper), "Catalog:Currency is an ISO 4217 code such as EUR, USD or GBP.").ValidateOnStart();
builder.Services.PostConfigure<MailOptions>(o => o.DevMailboxAllowed = demo);
builder.Services.AddSingleton<OutboxSignal>();
builder.Services.AddSingleton<DevMailbox>();
builder.Services.AddOptions<ApprovalOptions>().Bind(builder.Configuration.GetSection("Approvals"))
    .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps),
        "Approvals:BaseUrl is the server's address as people reach it, with its scheme, such as https://itsm.example.org (email links are made from it).")
    .ValidateOnStart();
builder.Services.PostConfigure<ApprovalOptions>(o =>
{
    // Unset, email links follow the address the server listens on (--urls, ASPNETCORE_URLS) rather than a fixed port;
    // a server behind a proxy or reached by name still needs Approvals:BaseUrl.
    if (string.IsNullOrWhiteSpace(builder.Configuration["Approvals:BaseUrl"]) && PublicAddress.FromUrls(builder.Configuration["urls"]) is { } listening) o.BaseUrl = listening;
});
builder.Services.AddScoped<ApprovalService>();
builder.Services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section))
    .Validate(WebhookOptions.IsValid, WebhookOptions.Message).ValidateOnStart();
builder.Services.AddScoped<WebhookIdempotency>();
builder.Services.AddScoped<DelegationHandover>();
builder.Services.AddScoped<SwitchedOffApprovals>();
builder.Services.AddScoped<ItsmWorkflows.Server.Identity.PeopleAdmin>();
builder.Services.AddSingleton<DbApproverDirectory>();
builder.Services.AddSingleton<ItsmWorkflows.Engine.Calendars.IBusinessCalendarProvider, ItsmWorkflows.Server.Calendars.DbCalendarProvider>();
builder.Services.AddAntiforgery();
builder.Services.AddScoped<OutboxDeliveryJob>();
builder.Services.AddSingleton<EmailComposer>();
builder.Services.AddScoped<ApprovalRequestMailer>();
builder.AddItsmJobs();
builder.Services.AddScoped<IWorkflowScheduler, HangfireWorkflowScheduler>();
builder.Services.AddScoped(sp => new WorkflowRuntime(
    sp.GetRequiredService<IWorkflowDefinitionProvider>(), sp.GetRequiredService<IWorkflowInstanceStore>(), sp.GetRequiredService<PlanCache>(),
    sp.GetRequiredService<WorkflowServices>(), sp.GetRequiredService<IWorkflowScheduler>())
{
    DispatchThroughOutbox = true,
});
builder.Services.AddScoped<DefinitionService>();
builder.Services.AddScoped<InstanceService>();
builder.Services.AddScoped<ShippedWorkflows>();
builder.Services.AddScoped<DemoData>();

// API quality: ProblemDetails for every error, OpenAPI, health.
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = StatusProblems.Explain);
// A body that does not bind reaches the exception handler in every environment, which says where it is wrong.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
    o.SerializerOptions.Converters.Add(new InstantJsonConverter()); // a body's date-times carry their offset
});
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOpenApi(o => o.AddSchemaTransformer(InstantSchema.Apply).AddSchemaTransformer(OptionalRequestFields.Apply));
builder.Services.AddSignalR();
builder.Services.AddHostedService<ItsmWorkflows.Server.Live.LiveUpdateRelay>();
builder.Services.AddSingleton<ItsmWorkflows.Server.Live.LiveSessions>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ItsmWorkflows.Server.Live.LiveSessions>());
builder.Services.AddHealthChecks().AddDbContextCheck<ItsmDbContext>("database", tags: ["ready"]);

var app = builder.Build();
ItsmWorkflows.Server.Web.ContentRootCheck.WarnIfMisplaced(app);
if (demo && app.Environment.IsProduction())
{
    DemoLog.OnInProduction(app.Logger);
}
try
{
    await StartupFailure.CheckAsync(app);
    await app.PrepareAsync();
}
catch (Exception ex) when (StartupFailure.Explain(ex) is { } reason)
{
    StartupFailure.LogCannotStart(app.Logger, reason);
    // Disposing flushes the console logger's queue: without it the one line could be lost as the process ends.
    await app.DisposeAsync();
    return 1;
}

app.UseForwardedHeaders(); // first: everything after reads the browser's scheme, host and address
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDesigner();
app.UseAuthentication(); // first: it answers an identity provider's callback, which a provider posts from its own site
app.UseCrossSiteRefusal();
app.UseAuthorization();
app.UseAntiforgery();

app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference("/api/docs").AllowAnonymous();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
app.MapAccountEndpoints();
app.MapApiTokenEndpoints();
app.MapSingleSignOnEndpoints();
app.MapDefinitionEndpoints();
app.MapActivityEndpoints();
app.MapTestRunEndpoints();
app.MapInstanceEndpoints();
app.MapItsmJobs();
app.MapMailEndpoints();
app.MapOutboxEndpoints();
app.MapApprovalEndpoints();
app.MapCalendarEndpoints();
app.MapCatalogEndpoints();
app.MapTicketEndpoints();
app.MapTicketAttachmentEndpoints();
app.MapDashboardEndpoints();
app.MapRequestEndpoints();
app.MapChangeEndpoints();
app.MapChangeTemplateEndpoints();
app.MapIncidentEndpoints();
app.MapPeopleEndpoints();
app.MapPeopleAdminEndpoints();
app.MapWorkflowHttpEndpoints();
app.MapHub<ItsmWorkflows.Server.Live.LiveHub>(ItsmWorkflows.Server.Live.LiveHub.Path).RequireAuthorization(Policies.SignedIn);
app.MapGet("/", () => Results.Redirect("/portal/")).AllowAnonymous().ExcludeFromDescription();
app.AnnounceWhenStarted();

await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
