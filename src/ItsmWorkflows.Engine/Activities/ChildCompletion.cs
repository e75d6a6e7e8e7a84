using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities;

/// <summary>A child frame that completed, with the outcomes it completed with and the tag its parent gave it.</summary>
public sealed record ChildCompletion(PlanNode Node, ActivityFrame Frame, IReadOnlyList<string> Outcomes);
