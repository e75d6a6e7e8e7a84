using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>A compiled switch case: its label, its condition input, and (for Switch) the activity it runs.</summary>
public sealed record SwitchCase(string Label, CompiledInput Condition, PlanNode? Activity);
