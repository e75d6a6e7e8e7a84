namespace ItsmWorkflows.Conformance;

/// <summary>A clock that only moves when told to, so timer scenarios run without waiting.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void MoveTo(DateTimeOffset instant)
    {
        if (instant > _now) _now = instant;
    }
}
