using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>
/// A unit of outbound work committed with a burst. <paramref name="Kind"/> names what the host does with it
/// (for example "email"); <paramref name="Id"/> is stable, so a delivery repeated after a crash can be
/// recognized (an email's Message-Id is derived from it).
/// </summary>
public sealed record OutboundMessage(string Id, string Kind, JsonObject Payload, string InstanceId, string? BookmarkId);
