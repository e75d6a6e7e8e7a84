using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Small helpers for JSON requests and definitions written inline.</summary>
public static class Json
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty JSON response.");
    }

    public static async Task<JsonNode> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A one-activity definition that writes <paramref name="text"/>; <paramref name="extraActivity"/> is added when given.</summary>
    public static string Definition(string definitionId, string text = "Hello", string name = "Test workflow", string extraActivity = "") => $$"""
        {
          "definitionId": "{{definitionId}}", "name": "{{name}}",
          "root": { "type": "Elsa.Flowchart", "id": "Flowchart1", "activities": [
            { "id": "Write1", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "{{text}}" } } }
            {{(extraActivity.Length > 0 ? "," + extraActivity : "")}}
          ], "connections": [] }
        }
        """;

    /// <summary>A definition that waits for event <paramref name="eventName"/> and then finishes.</summary>
    public static string EventDefinition(string definitionId, string eventName) => $$"""
        {
          "definitionId": "{{definitionId}}", "name": "Waits for {{eventName}}",
          "root": { "type": "Elsa.Flowchart", "id": "Flowchart1", "activities": [
            { "id": "Event1", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{eventName}}" } } },
            { "id": "Write1", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "after" } } }
          ], "connections": [ { "source": { "activity": "Event1", "port": "Done" }, "target": { "activity": "Write1", "port": "In" } } ] }
        }
        """;

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body, Ct);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) => client.PutAsJsonAsync(url, body, Ct);
}
