using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution.Effects;

/// <summary>
/// Wake the bookmarks of <paramref name="ActivityType"/> waiting on <paramref name="Stimulus"/> after this burst
/// commits (for example the SLA threshold waiters of a clock that was just paused or resumed).
/// </summary>
public sealed record SignalEffect(string ActivityType, string Stimulus, JsonNode? Payload) : WorkflowEffect;
