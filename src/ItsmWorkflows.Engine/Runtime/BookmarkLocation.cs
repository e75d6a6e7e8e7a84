namespace ItsmWorkflows.Engine.Runtime;

/// <summary>A bookmark found in the index: which instance, which bookmark.</summary>
public sealed record BookmarkLocation(string InstanceId, string BookmarkId, DateTimeOffset? DueAt = null);
