using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>A way a published definition can start: an HTTP route, an event, a timer or a cron schedule.</summary>
public sealed record WorkflowTrigger(string DefinitionId, string DefinitionVersionId, string ActivityId, string ActivityType, string StimulusHash, JsonObject Payload);
