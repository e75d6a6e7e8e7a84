namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>A service a change touches: its id (what schedules match on), its name (what people read) and how critical it is.</summary>
/// <param name="Criticality">"low", "medium", "high" or "critical"; null when the record does not say.</param>
public sealed record AffectedService(string Id, string Name, string? Criticality);
