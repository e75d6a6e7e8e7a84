using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>A flowchart edge from an activity's outcome port to another activity.</summary>
public sealed class Connection
{
    public string Source { get; set; } = "";

    public string SourcePort { get; set; } = "Done";

    public string Target { get; set; } = "";

    public string TargetPort { get; set; } = "In";

    /// <summary>Properties of the connection this model does not name (vertices, …).</summary>
    public JsonObject Extra { get; } = [];
}
