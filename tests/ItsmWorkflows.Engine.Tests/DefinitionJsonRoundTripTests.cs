using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Conformance;
using ItsmWorkflows.Engine.Definitions;
using Xunit;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Write → read keeps everything: every value of every corpus file survives, unknown properties included.</summary>
public sealed class DefinitionJsonRoundTripTests
{
    private static string Corpus => ConformanceRunner.FindCorpus()
        ?? throw new InvalidOperationException("The Elsa corpus was not found at ../shared/elsa-corpus beside the repository.");

    public static TheoryData<string> Files() => [.. ConformanceRunner.Files(Corpus)];

    [Theory]
    [MemberData(nameof(Files))]
    public void CorpusFile_RoundTripsWithoutLoss(string file)
    {
        var original = JsonNode.Parse(File.ReadAllBytes(Path.Combine(Corpus, "elsa-core", file)).AsSpan().StartsWith("\uFEFF"u8)
            ? File.ReadAllBytes(Path.Combine(Corpus, "elsa-core", file))[3..]
            : File.ReadAllBytes(Path.Combine(Corpus, "elsa-core", file)))!;
        var first = WorkflowDefinitionJson.Serialize(WorkflowDefinitionJson.Read(original));
        var second = WorkflowDefinitionJson.Serialize(WorkflowDefinitionJson.Parse(first));
        Assert.Equal(first, second);

        var written = JsonNode.Parse(first)!;
        var missing = new List<string>();
        Compare(original, written, "$", missing);
        Assert.True(missing.Count == 0, "lost or changed: " + string.Join("; ", missing.Take(10)));
    }

    /// <summary>Every leaf of <paramref name="expected"/> must be in <paramref name="actual"/> at the same path; legacy connections are compared by meaning.</summary>
    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> missing)
    {
        switch (expected)
        {
            case JsonObject o:
                if (actual is not JsonObject a)
                {
                    missing.Add($"{path} is no longer an object");
                    return;
                }
                foreach (var pair in o)
                {
                    if (pair.Key == "connections" && pair.Value is JsonArray connections && connections.Any(IsLegacy))
                    {
                        CompareConnections(connections, a["connections"] as JsonArray, $"{path}.connections", missing);
                        continue;
                    }
                    if (!a.TryGetPropertyValue(pair.Key, out var value)) missing.Add($"{path}.{pair.Key} is missing");
                    else Compare(pair.Value, value, $"{path}.{pair.Key}", missing);
                }
                break;
            case JsonArray array:
                if (actual is not JsonArray b || b.Count != array.Count)
                {
                    missing.Add($"{path} array changed length");
                    return;
                }
                for (var i = 0; i < array.Count; i++) Compare(array[i], b[i], $"{path}[{i}]", missing);
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual)) missing.Add($"{path}: {expected?.ToJsonString() ?? "null"} became {actual?.ToJsonString() ?? "absent"}");
                break;
        }
    }

    private static bool IsLegacy(JsonNode? connection) => connection is JsonObject c && c["source"] is JsonValue;

    private static void CompareConnections(JsonArray legacy, JsonArray? current, string path, List<string> missing)
    {
        if (current is null || current.Count != legacy.Count)
        {
            missing.Add($"{path} changed length");
            return;
        }
        for (var i = 0; i < legacy.Count; i++)
        {
            var l = legacy[i]!;
            var c = current[i]!;
            if (l["source"]?.GetValue<string>() != c["source"]?["activity"]?.GetValue<string>()
                || (l["sourcePort"]?.GetValue<string>() ?? "Done") != c["source"]?["port"]?.GetValue<string>()
                || l["target"]?.GetValue<string>() != c["target"]?["activity"]?.GetValue<string>()
                || (l["targetPort"]?.GetValue<string>() ?? "In") != c["target"]?["port"]?.GetValue<string>())
            {
                missing.Add($"{path}[{i}] means something else after the round trip");
            }
        }
    }

    [Fact]
    public void UnknownActivityAndProperties_SurviveARoundTrip()
    {
        const string json = """
            {
              "id": "v1", "definitionId": "d1", "name": "x", "futureTopLevel": { "a": [1, 2] },
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "M1", "type": "Acme.Magic", "spell": { "typeName": "String", "expression": { "type": "Literal", "value": "abracadabra" } }, "mana": 42,
                  "metadata": { "designer": { "position": { "x": 10.5, "y": -3 } } } } ],
                "connections": [ { "source": { "activity": "M1", "port": "Poof" }, "target": { "activity": "M1", "port": "In" }, "vertices": [ { "x": 1, "y": 2 } ] } ] }
            }
            """;
        var definition = WorkflowDefinitionJson.Parse(json);
        Assert.Equal((10.5, -3.0), definition.Root.Activities![0].Position);
        var written = JsonNode.Parse(WorkflowDefinitionJson.Serialize(definition))!;
        Assert.Equal(42, written["root"]!["activities"]![0]!["mana"]!.GetValue<int>());
        Assert.Equal("abracadabra", written["root"]!["activities"]![0]!["spell"]!["expression"]!["value"]!.GetValue<string>());
        Assert.Equal(2, written["futureTopLevel"]!["a"]![1]!.GetValue<int>());
        Assert.Equal(1, written["root"]!["connections"]![0]!["vertices"]![0]!["x"]!.GetValue<int>());
    }

    [Fact]
    public void LegacyConnections_AreWrittenInTheCurrentForm()
    {
        const string json = """
            { "definitionId": "d", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "A", "type": "Elsa.WriteLine" }, { "id": "B", "type": "Elsa.WriteLine" } ],
              "connections": [ { "source": "A", "target": "B", "sourcePort": "Done", "targetPort": "In" } ] } }
            """;
        var written = JsonNode.Parse(WorkflowDefinitionJson.Serialize(WorkflowDefinitionJson.Parse(json)))!;
        var connection = written["root"]!["connections"]![0]!;
        Assert.Equal("A", connection["source"]!["activity"]!.GetValue<string>());
        Assert.Equal("Done", connection["source"]!["port"]!.GetValue<string>());
        Assert.Equal("B", connection["target"]!["activity"]!.GetValue<string>());
        Assert.Null(connection["sourcePort"]);
    }

    [Fact]
    public void ByteOrderMark_IsAccepted()
    {
        var bytes = "\uFEFF"u8.ToArray().Concat(JsonSerializer.SerializeToUtf8Bytes(new { definitionId = "bom", root = new { type = "Elsa.Flowchart", id = "F", activities = Array.Empty<object>() } })).ToArray();
        Assert.Equal("bom", WorkflowDefinitionJson.Parse(bytes).DefinitionId);
    }
}
