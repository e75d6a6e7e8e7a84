namespace ItsmWorkflows.Engine.Definitions;

public sealed record ActivitySummary(string Id, string Type, string DisplayName);
