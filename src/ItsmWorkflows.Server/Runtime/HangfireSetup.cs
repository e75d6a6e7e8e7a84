using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// Hangfire runs the asynchronous boundaries: timers, dispatched children and the recurring sweeps.
/// PostgreSQL storage when the application uses PostgreSQL, in-memory storage in the embedded default
/// (the sweep recovers its timers from the database after a restart).
/// </summary>
internal static class HangfireSetup
{
    public static WebApplicationBuilder AddItsmJobs(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var pollInterval = configuration.GetValue("Jobs:PollInterval", TimeSpan.FromSeconds(1));
        // This host's own storage instance: Hangfire's JobStorage.Current is process-wide, and its default
        // registration hands it to every host in the process (several test servers share one process).
        JobStorage storage = DatabaseSetup.UsesPostgres(configuration)
            ? CreatePostgresStorage(configuration, pollInterval)
            : new Hangfire.InMemory.InMemoryStorage();
        builder.Services.AddSingleton(storage);
        builder.Services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            if (string.Equals(configuration["Jobs:HangfireLogs"], "none", StringComparison.OrdinalIgnoreCase)) config.UseLogProvider(new SilentHangfireLogProvider());
            config.UseStorage(storage);
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
        builder.Services.AddSingleton<TimerPump>();
        if (configuration.GetValue("Jobs:RunServer", true)) builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerPump>());
        builder.Services.AddScoped<DispatchWorkflowJob>();
        builder.Services.AddScoped<TimerSweepJob>();
        builder.Services.AddScoped<Http.PurgeIdempotencyKeysJob>();
        return builder;
    }

    private static PostgreSqlStorage CreatePostgresStorage(IConfiguration configuration, TimeSpan pollInterval)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            // Hangfire's default polls every 15 s; timers and dispatches should not wait that long.
            QueuePollInterval = pollInterval,
            PrepareSchemaIfNecessary = true,
            // LISTEN/NOTIFY: a job enqueued on one node wakes the workers of every node at once instead of at the next poll.
            EnableLongPolling = true,
            InvisibilityTimeout = configuration.GetValue("Jobs:InvisibilityTimeout", TimeSpan.FromMinutes(5)),
        };
        var connectionString = DatabaseSetup.TuneForJobs(configuration.GetConnectionString(DatabaseSetup.PostgresConnectionName)!);
        return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, options), options);
    }

    public static void MapItsmJobs(this WebApplication app)
    {
        app.MapHangfireDashboard("/ops/jobs", new DashboardOptions
        {
            Authorization = [new AdminDashboardFilter()],
            DisplayStorageConnectionString = false,
            AppPath = "/",
        }).RequireAuthorization(Identity.Policies.Admin);
        var recurring = new RecurringJobManager(app.Services.GetRequiredService<JobStorage>());
        recurring.AddOrUpdate<TimerSweepJob>(TimerSweepJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<Mail.OutboxDeliveryJob>(Mail.OutboxDeliveryJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<Http.PurgeIdempotencyKeysJob>(Http.PurgeIdempotencyKeysJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
    }

    /// <summary>The dashboard can retry and delete jobs: administrators only.</summary>
    private sealed class AdminDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
    }
}
