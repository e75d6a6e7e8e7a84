namespace ItsmWorkflows.Engine.Definitions;

public sealed record ActivityChange(string Id, string Type, string DisplayName, IReadOnlyList<FieldChange> Fields);
