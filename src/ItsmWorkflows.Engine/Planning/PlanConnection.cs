namespace ItsmWorkflows.Engine.Planning;

/// <summary>A flowchart connection resolved to plan nodes. A back edge closes a loop (found by depth-first search from the start).</summary>
public sealed record PlanConnection(int Index, PlanNode Source, string SourcePort, PlanNode Target, bool IsBackEdge);
