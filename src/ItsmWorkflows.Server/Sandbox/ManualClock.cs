namespace ItsmWorkflows.Server.Sandbox;

/// <summary>A test run's clock: it stands still until the process owner moves it forward.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
