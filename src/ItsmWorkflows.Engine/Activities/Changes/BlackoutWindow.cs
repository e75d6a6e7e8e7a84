namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>A period in which changes are not allowed (a freeze), on some services or, with no service ids, on all of them.</summary>
public sealed record BlackoutWindow(string Name, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<string> ServiceIds)
{
    public bool CoversAllServices => ServiceIds.Count == 0;
}
