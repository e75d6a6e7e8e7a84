using System.Text.Json;
using System.Text.Json.Nodes;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>A published workflow that GETs one URL with SendHttpRequest, started by a process owner.</summary>
internal static class HttpWorkflows
{
    /// <summary>Publishes and starts the workflow; the answer holds the instance and its incidents.</summary>
    /// <remarks><paramref name="method"/> and <paramref name="headersScript"/> (a JavaScript expression giving an object) are the activity's, when given.</remarks>
    public static async Task<JsonNode> FetchAsync(ServerFixture fixture, string url, string? method = null, string? headersScript = null)
    {
        var client = await fixture.ClientAsync("dave");
        var id = "fetch-" + Guid.NewGuid().ToString("N")[..8];
        var json = $$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Call", "type": "Elsa.SendHttpRequest",
                {{(method is null ? "" : $$"""
                "method": { "typeName": "String", "expression": { "type": "Literal", "value": {{JsonSerializer.Serialize(method)}} } },
                """)}}
                {{(headersScript is null ? "" : $$"""
                "requestHeaders": { "typeName": "Object", "expression": { "type": "JavaScript", "value": {{JsonSerializer.Serialize(headersScript)}} } },
                """)}}
                "url": { "typeName": "Uri", "expression": { "type": "Literal", "value": {{JsonSerializer.Serialize(url)}} } } } ], "connections": [] } }
            """;
        await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", Body(json), Ct));
        return await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
    }

    /// <summary>The message of the single incident the start recorded (fails when it finished instead).</summary>
    public static string Incident(JsonNode started)
    {
        Xunit.Assert.Equal("Faulted", started["instance"]!["subStatus"]!.GetValue<string>());
        return Xunit.Assert.Single(started["incidents"]!.AsArray())!["message"]!.GetValue<string>();
    }
}
