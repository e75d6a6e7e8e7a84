using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities;

/// <summary>A request to run a child activity, optionally with scope variables (a loop's current value) and a tag.</summary>
public sealed record ChildSchedule(PlanNode Node, string? Tag = null, Dictionary<string, JsonNode?>? Variables = null, bool IsTrigger = false);
