using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// Hangfire runs the asynchronous boundaries: timers, dispatched children and the recurring sweep.
/// PostgreSQL storage when the application uses PostgreSQL, in-memory storage in the embedded default
/// (the sweep recovers its timers from the database after a restart).
/// </summary>
internal static class HangfireSetup
{
    public static WebApplicationBuilder AddItsmJobs(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var pollInterval = configuration.GetValue("Jobs:PollInterval", TimeSpan.FromSeconds(1));
        builder.Services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            if (DatabaseSetup.UsesPostgres(configuration))
            {
                var connectionString = configuration.GetConnectionString(DatabaseSetup.PostgresConnectionName)!;
                config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    // Hangfire's default polls every 15 s; timers and dispatches should not wait that long.
                    QueuePollInterval = pollInterval,
                    PrepareSchemaIfNecessary = true,
                    // LISTEN/NOTIFY: a job enqueued on one node wakes the workers of every node at once instead of at the next poll.
                    EnableLongPolling = true,
                    InvisibilityTimeout = configuration.GetValue("Jobs:InvisibilityTimeout", TimeSpan.FromMinutes(5)),
                });
            }
            else
            {
                config.UseInMemoryStorage();
            }
        });
        if (configuration.GetValue("Jobs:RunServer", true))
        {
            builder.Services.AddHangfireServer(o =>
            {
                o.WorkerCount = configuration.GetValue("Jobs:WorkerCount", Math.Max(2, Environment.ProcessorCount * 2));
                o.SchedulePollingInterval = pollInterval;
                o.ServerCheckInterval = TimeSpan.FromSeconds(30);
            });
        }
        builder.Services.AddScoped<FireTimerJob>();
        builder.Services.AddScoped<DispatchWorkflowJob>();
        builder.Services.AddScoped<TimerSweepJob>();
        return builder;
    }

    public static void MapItsmJobs(this WebApplication app)
    {
        app.MapHangfireDashboard("/ops/jobs", new DashboardOptions
        {
            Authorization = [new AdminDashboardFilter()],
            DisplayStorageConnectionString = false,
            AppPath = "/",
        }).RequireAuthorization(Identity.Policies.Admin);
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<TimerSweepJob>(TimerSweepJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
    }

    /// <summary>The dashboard can retry and delete jobs: administrators only.</summary>
    private sealed class AdminDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
    }
}
