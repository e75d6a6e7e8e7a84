using Hangfire;

namespace ItsmWorkflows.Server.Mail;

/// <summary>
/// Wakes outbox delivery after a burst committed outbound work. One Hangfire job is queued at a time:
/// a burst of commits costs one job (a job costs about 25 commits of Hangfire's own), and the job drains
/// everything that is due. The recurring sweep catches what a crash between commit and enqueue left.
/// </summary>
internal sealed class OutboxSignal(IServiceProvider services, IConfiguration configuration)
{
    private int _queued;
    private int _pending;
    private readonly bool _enabled = configuration.GetValue("Jobs:RunServer", true);

    /// <summary>Serializes draining on this node (one SMTP connection); other nodes are kept apart by row claims.</summary>
    public SemaphoreSlim DrainLock { get; } = new(1, 1);

    public void Notify()
    {
        Interlocked.Exchange(ref _pending, 1);
        if (!_enabled || Interlocked.CompareExchange(ref _queued, 1, 0) != 0) return;
        services.GetRequiredService<IBackgroundJobClient>().Enqueue<OutboxDeliveryJob>(j => j.RunAsync(CancellationToken.None));
    }

    /// <summary>The queued job started: later commits queue another one.</summary>
    public void Started()
    {
        Interlocked.Exchange(ref _queued, 0);
        Interlocked.Exchange(ref _pending, 0);
    }

    /// <summary>True once if work was committed since the drain began.</summary>
    public bool TakePending() => Interlocked.Exchange(ref _pending, 0) == 1;
}
