using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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

    /// <summary>The same, without the journal: for stores that keep the journal apart (appended to, never rewritten).</summary>
    private static JsonSerializerOptions WithoutJournalOptions { get; } = new(Options)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    if (info.Type != typeof(WorkflowState)) return;
                    var journal = info.Properties.Single(p => p.Name == "journal");
                    journal.ShouldSerialize = static (_, _) => false;
                },
            },
        },
    };

    public static string Serialize(WorkflowState state) => JsonSerializer.Serialize(state, Options);

    /// <summary>
    /// The state without its journal, for a store that writes journal entries to a table of their own: each save then
    /// writes what the instance is now, not its whole history again (a state that carried its journal grew with every
    /// step an instance took, and was rewritten whole on each).
    /// </summary>
    public static string SerializeWithoutJournal(WorkflowState state) => JsonSerializer.Serialize(state, WithoutJournalOptions);

    public static WorkflowState Deserialize(string json)
    {
        var state = JsonSerializer.Deserialize<WorkflowState>(json, Options) ?? throw new JsonException("Instance state is empty.");
        // States saved before the journal was numbered by JournalSequence carry their whole journal: number on from it.
        if (state.JournalSequence == 0 && state.Journal.Count > 0) state.JournalSequence = state.Journal[^1].Sequence;
        return state;
    }
}
