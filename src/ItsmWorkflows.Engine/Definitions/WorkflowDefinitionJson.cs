using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>
/// Reads and writes definitions in the Elsa 3 JSON format. Reading accepts the current connection
/// form and the legacy <c>sourcePort/targetPort</c> form; writing produces the current form. Properties
/// the model does not name are kept, so a write after a read loses nothing.
/// </summary>
public static class WorkflowDefinitionJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 256,
    };

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    private static readonly HashSet<string> TopLevelKeys = new(StringComparer.Ordinal)
    {
        "id", "definitionId", "name", "description", "version", "isLatest", "isPublished",
        "variables", "inputs", "outputs", "outcomes", "root",
    };

    public static WorkflowDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > 0 && json[0] == '\uFEFF') json = json[1..];
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new DefinitionFormatException($"The file is not valid JSON: {ex.Message}", ex);
        }
        return Read(node);
    }

    public static WorkflowDefinition Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        return Parse(Encoding.UTF8.GetString(utf8));
    }

    public static WorkflowDefinition Read(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            throw new DefinitionFormatException("A workflow definition must be a JSON object with at least a \"root\" activity.");
        }
        if (obj["root"] is not JsonObject rootJson)
        {
            throw new DefinitionFormatException("The definition has no \"root\" activity object; an Elsa 3 definition keeps its activities under \"root\" (usually an Elsa.Flowchart).");
        }

        var definition = new WorkflowDefinition { Root = ReadActivity(rootJson, "root") };
        definition.Id = ReadString(obj, "id") ?? "";
        definition.DefinitionId = ReadString(obj, "definitionId") ?? "";
        definition.Name = ReadString(obj, "name");
        definition.Description = ReadString(obj, "description");
        definition.Version = ReadInt(obj, "version") ?? 1;
        definition.IsLatest = ReadBool(obj, "isLatest") ?? true;
        definition.IsPublished = ReadBool(obj, "isPublished") ?? false;

        if (obj["variables"] is JsonArray variables)
        {
            foreach (var v in variables.OfType<JsonObject>()) definition.Variables.Add(ReadVariable(v));
        }
        if (obj["inputs"] is JsonArray inputs)
        {
            foreach (var p in inputs.OfType<JsonObject>()) definition.Inputs.Add(ReadParameter(p));
        }
        if (obj["outputs"] is JsonArray outputs)
        {
            foreach (var p in outputs.OfType<JsonObject>()) definition.Outputs.Add(ReadParameter(p));
        }
        if (obj["outcomes"] is JsonArray outcomes)
        {
            foreach (var o in outcomes)
            {
                if (o is JsonValue ov && ov.GetValueKind() == JsonValueKind.String) definition.Outcomes.Add(ov.GetValue<string>());
            }
        }
        foreach (var pair in obj)
        {
            if (!TopLevelKeys.Contains(pair.Key)) definition.Extra[pair.Key] = pair.Value?.DeepClone();
        }
        return definition;
    }

    /// <summary>True when a JSON object has the shape of an activity (a string <c>type</c> and a string <c>id</c>).</summary>
    public static bool IsActivityShaped(JsonNode? node) =>
        node is JsonObject o
        && o["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String
        && o["id"] is JsonValue i && i.GetValueKind() == JsonValueKind.String;

    public static ActivityNode ReadActivity(JsonObject json, string path)
    {
        var type = ReadString(json, "type");
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new DefinitionFormatException($"The activity at {path} has no \"type\".");
        }
        var node = new ActivityNode
        {
            Type = type,
            Id = ReadString(json, "id") ?? "",
            Name = ReadString(json, "name"),
            TypeVersion = ReadInt(json, "version") ?? 1,
        };
        var here = $"{path} ({(node.Id.Length > 0 ? node.Id : type)})";
        foreach (var pair in json)
        {
            node.KeyOrder.Add(pair.Key);
            switch (pair.Key)
            {
                case "id" or "type" or "version" or "name":
                    break;
                case "activities" when pair.Value is JsonArray array:
                    node.Activities = ReadActivityList(array, $"{here}.activities");
                    break;
                case "connections" when pair.Value is JsonArray array:
                    node.Connections = ReadConnections(array, here);
                    break;
                case "cases" when pair.Value is JsonArray cases && cases.Count > 0 && cases.All(c => c is JsonObject o && IsActivityShaped(o["activity"])):
                    // Switch cases embed their activity: parse it, keep the rest of each case as written.
                    var caseActivities = new List<ActivityNode>(cases.Count);
                    var rest = new JsonArray();
                    for (var i = 0; i < cases.Count; i++)
                    {
                        var c = (JsonObject)cases[i]!.DeepClone();
                        caseActivities.Add(ReadActivity((JsonObject)c["activity"]!, $"{here}.cases[{i}].activity"));
                        c.Remove("activity");
                        rest.Add(c);
                    }
                    node.ListSlots["cases"] = caseActivities;
                    node.Properties["cases"] = rest;
                    break;
                default:
                    if (IsActivityShaped(pair.Value))
                    {
                        node.Slots[pair.Key] = ReadActivity((JsonObject)pair.Value!, $"{here}.{pair.Key}");
                    }
                    else if (pair.Value is JsonArray list && list.Count > 0 && list.All(IsActivityShaped))
                    {
                        node.ListSlots[pair.Key] = ReadActivityList(list, $"{here}.{pair.Key}");
                    }
                    else
                    {
                        node.Properties[pair.Key] = pair.Value?.DeepClone();
                    }
                    break;
            }
        }
        return node;
    }

    private static List<ActivityNode> ReadActivityList(JsonArray array, string path)
    {
        var list = new List<ActivityNode>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject child)
            {
                throw new DefinitionFormatException($"{path}[{i}] is not an activity object.");
            }
            list.Add(ReadActivity(child, $"{path}[{i}]"));
        }
        return list;
    }

    private static List<Connection> ReadConnections(JsonArray array, string path)
    {
        var list = new List<Connection>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject c)
            {
                throw new DefinitionFormatException($"Connection {i} of {path} is not an object.");
            }
            var connection = new Connection();
            foreach (var pair in c)
            {
                switch (pair.Key)
                {
                    // Current form: {source:{activity,port}, target:{activity,port}}.
                    case "source" when pair.Value is JsonObject s:
                        connection.Source = ReadString(s, "activity") ?? "";
                        connection.SourcePort = ReadString(s, "port") ?? "Done";
                        break;
                    case "target" when pair.Value is JsonObject t:
                        connection.Target = ReadString(t, "activity") ?? "";
                        connection.TargetPort = ReadString(t, "port") ?? "In";
                        break;
                    // Legacy form: {source, target, sourcePort, targetPort} with activity ids as strings.
                    case "source" when pair.Value is JsonValue:
                        connection.Source = ReadString(c, "source") ?? "";
                        break;
                    case "target" when pair.Value is JsonValue:
                        connection.Target = ReadString(c, "target") ?? "";
                        break;
                    case "sourcePort":
                        connection.SourcePort = ReadString(c, "sourcePort") ?? "Done";
                        break;
                    case "targetPort":
                        connection.TargetPort = ReadString(c, "targetPort") ?? "In";
                        break;
                    default:
                        connection.Extra[pair.Key] = pair.Value?.DeepClone();
                        break;
                }
            }
            list.Add(connection);
        }
        return list;
    }

    private static VariableDefinition ReadVariable(JsonObject json)
    {
        var variable = new VariableDefinition
        {
            Id = ReadString(json, "id") ?? ReadString(json, "name") ?? "",
            Name = ReadString(json, "name") ?? ReadString(json, "id") ?? "",
            TypeName = ReadString(json, "typeName") ?? "Object",
            IsArray = ReadBool(json, "isArray") ?? false,
            Value = json["value"]?.DeepClone(),
        };
        foreach (var pair in json)
        {
            if (pair.Key is not ("id" or "name" or "typeName" or "isArray" or "value")) variable.Extra[pair.Key] = pair.Value?.DeepClone();
        }
        if (!json.ContainsKey("isArray")) variable.Extra["$noIsArray"] = true;
        return variable;
    }

    private static ParameterDefinition ReadParameter(JsonObject json)
    {
        var parameter = new ParameterDefinition
        {
            Name = ReadString(json, "name") ?? "",
            TypeName = ReadString(json, "type") ?? ReadString(json, "typeName") ?? "Object",
            DisplayName = ReadString(json, "displayName"),
            Description = ReadString(json, "description"),
            IsArray = ReadBool(json, "isArray") ?? false,
        };
        foreach (var pair in json)
        {
            if (pair.Key is not ("name" or "type" or "displayName" or "description" or "isArray")) parameter.Extra[pair.Key] = pair.Value?.DeepClone();
        }
        return parameter;
    }

    public static string Serialize(WorkflowDefinition definition)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            ToJson(definition).WriteTo(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static JsonObject ToJson(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var obj = new JsonObject();
        if (definition.Extra.TryGetPropertyValue("$schema", out var schema)) obj["$schema"] = schema?.DeepClone();
        obj["id"] = definition.Id;
        obj["definitionId"] = definition.DefinitionId;
        obj["name"] = definition.Name;
        if (definition.Description is not null) obj["description"] = definition.Description;
        obj["version"] = definition.Version;
        obj["isLatest"] = definition.IsLatest;
        obj["isPublished"] = definition.IsPublished;
        obj["variables"] = new JsonArray([.. definition.Variables.Select(VariableToJson)]);
        obj["inputs"] = new JsonArray([.. definition.Inputs.Select(ParameterToJson)]);
        obj["outputs"] = new JsonArray([.. definition.Outputs.Select(ParameterToJson)]);
        obj["outcomes"] = new JsonArray([.. definition.Outcomes.Select(o => (JsonNode)JsonValue.Create(o))]);
        foreach (var pair in definition.Extra)
        {
            if (pair.Key != "$schema") obj[pair.Key] = pair.Value?.DeepClone();
        }
        obj["root"] = ActivityToJson(definition.Root);
        return obj;
    }

    public static JsonObject ActivityToJson(ActivityNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var obj = new JsonObject();
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in node.KeyOrder.Concat(["id", "type", "version", "name", "activities", "connections"]).Concat(node.Properties.Select(p => p.Key)).Concat(node.Slots.Keys).Concat(node.ListSlots.Keys))
        {
            if (!written.Add(key)) continue;
            switch (key)
            {
                case "id": obj["id"] = node.Id; break;
                case "type": obj["type"] = node.Type; break;
                case "version": obj["version"] = node.TypeVersion; break;
                case "name":
                    if (node.Name is not null || node.KeyOrder.Contains("name")) obj["name"] = node.Name;
                    break;
                case "activities":
                    if (node.Activities is not null) obj["activities"] = new JsonArray([.. node.Activities.Select(a => (JsonNode)ActivityToJson(a))]);
                    break;
                case "connections":
                    if (node.Connections is not null) obj["connections"] = new JsonArray([.. node.Connections.Select(c => (JsonNode)ConnectionToJson(c))]);
                    break;
                case "cases" when node.ListSlots.TryGetValue("cases", out var caseActivities) && node.Properties["cases"] is JsonArray caseList:
                    var merged = (JsonArray)caseList.DeepClone();
                    for (var i = 0; i < merged.Count && i < caseActivities.Count; i++)
                    {
                        if (merged[i] is JsonObject c) c["activity"] = ActivityToJson(caseActivities[i]);
                    }
                    obj["cases"] = merged;
                    break;
                default:
                    if (node.Slots.TryGetValue(key, out var slot)) obj[key] = ActivityToJson(slot);
                    else if (node.ListSlots.TryGetValue(key, out var list)) obj[key] = new JsonArray([.. list.Select(a => (JsonNode)ActivityToJson(a))]);
                    else if (node.Properties.TryGetPropertyValue(key, out var value)) obj[key] = value?.DeepClone();
                    break;
            }
        }
        return obj;
    }

    private static JsonObject ConnectionToJson(Connection connection)
    {
        var obj = new JsonObject
        {
            ["source"] = new JsonObject { ["activity"] = connection.Source, ["port"] = connection.SourcePort },
            ["target"] = new JsonObject { ["activity"] = connection.Target, ["port"] = connection.TargetPort },
        };
        foreach (var pair in connection.Extra) obj[pair.Key] = pair.Value?.DeepClone();
        return obj;
    }

    private static JsonObject VariableToJson(VariableDefinition variable)
    {
        var obj = new JsonObject
        {
            ["id"] = variable.Id,
            ["name"] = variable.Name,
            ["typeName"] = variable.TypeName,
        };
        if (!variable.Extra.ContainsKey("$noIsArray")) obj["isArray"] = variable.IsArray;
        obj["value"] = variable.Value?.DeepClone();
        foreach (var pair in variable.Extra)
        {
            if (pair.Key != "$noIsArray") obj[pair.Key] = pair.Value?.DeepClone();
        }
        return obj;
    }

    private static JsonObject ParameterToJson(ParameterDefinition parameter)
    {
        var obj = new JsonObject
        {
            ["name"] = parameter.Name,
            ["type"] = parameter.TypeName,
            ["displayName"] = parameter.DisplayName,
        };
        if (parameter.Description is not null) obj["description"] = parameter.Description;
        obj["isArray"] = parameter.IsArray;
        foreach (var pair in parameter.Extra) obj[pair.Key] = pair.Value?.DeepClone();
        return obj;
    }

    private static string? ReadString(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static int? ReadInt(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i
        : obj[key] is JsonValue d && d.GetValueKind() == JsonValueKind.Number ? (int)Expressions.ValueConverter.NumberOf(d) : null;

    private static bool? ReadBool(JsonObject obj, string key) => obj[key]?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
