using System.Text.Json;
using System.Text.Json.Serialization;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>The one way instance state is written to and read from storage: camelCase, enums as names, no CLR type names.</summary>
public static class WorkflowStateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        MaxDepth = 256,
        // PostgreSQL's jsonb reorders object keys, so the "$kind" discriminator may not come first.
        AllowOutOfOrderMetadataProperties = true,
    };

    public static string Serialize(WorkflowState state) => JsonSerializer.Serialize(state, Options);

    public static WorkflowState Deserialize(string json) =>
        JsonSerializer.Deserialize<WorkflowState>(json, Options) ?? throw new JsonException("Instance state is empty.");
}
