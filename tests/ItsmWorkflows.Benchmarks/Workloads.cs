using System.Text;

namespace ItsmWorkflows.Benchmarks;

/// <summary>The measured definitions, written out in the Elsa 3 format.</summary>
internal static class Workloads
{
    private static string Literal(string name, string value, string type = "String") =>
        $$"""
        "{{name}}": { "typeName": "{{type}}", "expression": { "type": "Literal", "value": "{{value}}" } }
        """;

    private static string Js(string name, string script, string type) =>
        $$"""
        "{{name}}": { "typeName": "{{type}}", "expression": { "type": "JavaScript", "value": "{{script}}" } }
        """;

    private static string Connect(string from, string to, string port = "Done") =>
        $$"""{ "source": { "activity": "{{from}}", "port": "{{port}}" }, "target": { "activity": "{{to}}", "port": "In" } }""";

    /// <summary>
    /// Ten automatic activities: Start → SetVariable → WriteLine ×2 → SetVariable → Decision (JavaScript
    /// reading a variable) → True: WriteLine → WriteLine → End; False: WriteLine → End (not taken).
    /// </summary>
    public static string TenActivityFlowchart() => $$"""
        {
          "id": "bench-10-v1", "definitionId": "bench-10", "name": "Ten activities", "version": 1,
          "variables": [ { "id": "v1", "name": "Amount", "typeName": "Int32", "value": "0" } ],
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
            { "id": "Start1", "type": "Elsa.Start" },
            { "id": "Set1", "type": "Elsa.SetVariable", "variable": { "id": "v1", "name": "Amount", "typeName": "Int32" }, {{Literal("value", "1200", "Object")}} },
            { "id": "W1", "type": "Elsa.WriteLine", {{Literal("text", "Request received")}} },
            { "id": "W2", "type": "Elsa.WriteLine", {{Literal("text", "Checking budget")}} },
            { "id": "Set2", "type": "Elsa.SetVariable", "variable": { "id": "v1", "name": "Amount", "typeName": "Int32" }, {{Js("value", "getAmount() + 300", "Object")}} },
            { "id": "D1", "type": "Elsa.FlowDecision", {{Js("condition", "getAmount() > 1000", "Boolean")}} },
            { "id": "W3", "type": "Elsa.WriteLine", {{Literal("text", "Needs approval")}} },
            { "id": "W4", "type": "Elsa.WriteLine", {{Literal("text", "Routed to the change board")}} },
            { "id": "W5", "type": "Elsa.WriteLine", {{Literal("text", "Auto-approved")}} },
            { "id": "End1", "type": "Elsa.End" }
          ], "connections": [
            {{Connect("Start1", "Set1")}}, {{Connect("Set1", "W1")}}, {{Connect("W1", "W2")}}, {{Connect("W2", "Set2")}}, {{Connect("Set2", "D1")}},
            {{Connect("D1", "W3", "True")}}, {{Connect("W3", "W4")}}, {{Connect("W4", "End1")}},
            {{Connect("D1", "W5", "False")}}, {{Connect("W5", "End1")}}
          ] }
        }
        """;

    /// <summary>A FlowFork of 20 branches, each a WriteLine, joined by a FlowJoin (WaitAll), then one WriteLine.</summary>
    public static string ForkJoin(int branches)
    {
        var names = string.Join(",", Enumerable.Range(1, branches).Select(i => $"\\\"B{i}\\\""));
        var activities = new StringBuilder();
        var connections = new StringBuilder();
        activities.Append($$"""{ "id": "Fork1", "type": "Elsa.FlowFork", "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": "[{{names}}]" } } }""");
        for (var i = 1; i <= branches; i++)
        {
            activities.Append($$""", { "id": "W{{i}}", "type": "Elsa.WriteLine", {{Literal("text", $"Branch {i}")}} }""");
            if (connections.Length > 0) connections.Append(',');
            connections.Append(Connect("Fork1", $"W{i}", $"B{i}")).Append(',').Append(Connect($"W{i}", "Join1"));
        }
        activities.Append($$""", { "id": "Join1", "type": "Elsa.FlowJoin", {{Literal("mode", "WaitAll")}} }, { "id": "After", "type": "Elsa.WriteLine", {{Literal("text", "All done")}} }""");
        connections.Append(',').Append(Connect("Join1", "After"));
        return $$"""
            { "id": "bench-fork-v1", "definitionId": "bench-fork", "name": "Fork join", "version": 1,
              "root": { "type": "Elsa.Flowchart", "id": "F", "start": "Fork1", "activities": [ {{activities}} ], "connections": [ {{connections}} ] } }
            """;
    }
}
