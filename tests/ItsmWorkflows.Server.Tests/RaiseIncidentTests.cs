using System.Net;
using System.Text.Json.Nodes;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A monitoring alert opens an incident through a webhook workflow (Raise Incident), with no API token in the
/// definition: once per alert, a repeat noted on the open incident, a refusal recorded on the step. PostgreSQL, real SMTP.
/// </summary>
public sealed class RaiseIncidentTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private static string Definition(string id, string path) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "variables": [ { "id": "r", "name": "result", "typeName": "String" } ], "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
            "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
            "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } } },
          { "id": "Raise", "type": "Itsm.RaiseIncident",
            "title": { "typeName": "String", "expression": { "type": "JavaScript", "value": "'Disk almost full on ' + getParsedContentFromIn().host" } },
            "description": { "typeName": "String", "expression": { "type": "JavaScript", "value": "getParsedContentFromIn().message" } },
            "service": { "typeName": "String", "expression": { "type": "JavaScript", "value": "getParsedContentFromIn().service || 'network'" } },
            "impact": { "typeName": "Int32", "expression": { "type": "JavaScript", "value": "getParsedContentFromIn().severity === 'disaster' ? 1 : 3" } },
            "urgency": { "typeName": "Int32", "expression": { "type": "Literal", "value": "2" } },
            "alertKey": { "typeName": "String", "expression": { "type": "JavaScript", "value": "getParsedContentFromIn().host + '/disk'" } } },
          { "id": "Said", "type": "Elsa.SetVariable", "variable": { "id": "r", "name": "result" },
            "value": { "typeName": "String", "expression": { "type": "JavaScript", "value": "getOutputFrom('Raise', 'number') + ' ' + getOutputFrom('Raise', 'created')" } } } ],
          "connections": [
            { "source": { "activity": "In", "port": "Done" }, "target": { "activity": "Raise", "port": "In" } },
            { "source": { "activity": "Raise", "port": "Done" }, "target": { "activity": "Said", "port": "In" } } ] } }
        """;

    [Fact]
    public async Task AnAlert_OpensOneIncident_ARepeatIsNotedOnIt_AndARefusalIsRecordedOnTheStep()
    {
        await ImportAsync(fixture);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var id = "alerts-" + suffix;
        var dave = await fixture.ClientAsync("dave");
        await OkAsync(await dave.PostAsync("/api/definitions/import?publish=true", Body(Definition(id, id)), Ct));
        var monitor = await fixture.ClientAsync(null);
        var host = "db-" + suffix;
        async Task<List<JsonNode>> IncidentsAsync() =>
            [.. (await OkAsync(await dave.GetAsync($"/api/tickets?kind=Incident&q={host}", Ct)))["items"]!.AsArray().Select(n => n!)];

        Assert.Equal(HttpStatusCode.Accepted, (await monitor.PostAsync($"/workflows/{id}", Body($$"""{ "host": "{{host}}", "severity": "disaster", "message": "/var at 97%" }"""), Ct)).StatusCode);
        await SettleAsync(fixture);

        // Impact 1 × urgency 2 → P2 on the network service: the Service Desk has it and its own process runs, for the service's owner.
        var incident = Assert.Single(await IncidentsAsync());
        var number = incident["number"]!.GetValue<string>();
        var detail = await TicketAsync(dave, number);
        Assert.Equal($"Disk almost full on {host}", detail["ticket"]!["title"]!.GetValue<string>());
        Assert.Equal("/var at 97%", detail["ticket"]!["description"]!.GetValue<string>());
        Assert.Equal(2, detail["ticket"]!["priority"]!.GetValue<int>());
        Assert.Equal("Service Desk", detail["ticket"]!["assignmentGroup"]!.GetValue<string>());
        Assert.Equal("Open", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("nina", detail["ticket"]!["requester"]!.GetValue<string>()); // the network service's owner
        // The history and the group's email say the workflow raised it, not its caller (the owner stands in for one).
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == $"Raised by the workflow {id}");
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().StartsWith($"Alert {host}/disk: while this incident is open", StringComparison.Ordinal));
        var raised = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"URGENT", StringComparison.Ordinal) && m.Subject.Contains($"New incident {number} for Service Desk", StringComparison.Ordinal));
        Assert.Contains($"The workflow {id} raised incident {number}", raised.Text, StringComparison.Ordinal);
        var first = await FinishedAsync(dave, id, 1);
        Assert.Contains($"{number} true", first);

        // The same alert again while the incident is open: a note on it, not a second incident.
        await monitor.PostAsync($"/workflows/{id}", Body($$"""{ "host": "{{host}}", "severity": "disaster", "message": "/var at 99%" }"""), Ct);
        await SettleAsync(fixture);
        Assert.Single(await IncidentsAsync());
        Assert.Contains((await TicketAsync(dave, number))["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == $"The alert {host}/disk fired again (workflow {id}): Disk almost full on {host} — /var at 99%");
        Assert.Contains($"{number} false", await FinishedAsync(dave, id, 2));

        // A service that does not exist: nothing is raised, the step says why at once, and the monitoring system hears
        // 500, so it does not count the alert as handled.
        var refused = await monitor.PostAsync($"/workflows/{id}", Body($$"""{ "host": "other-{{suffix}}", "service": "nope" }"""), Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        var instances = (await OkAsync(await dave.GetAsync($"/api/instances?definitionId={id}", Ct)))["items"]!.AsArray();
        var faulted = Assert.Single(instances, i => i!["subStatus"]!.GetValue<string>() == "Faulted")!;
        var incidents = (await OkAsync(await dave.GetAsync($"/api/instances/{faulted["id"]!.GetValue<string>()}", Ct)))["incidents"]!.AsArray();
        Assert.Equal("The incident cannot be raised: There is no service 'nope'.", Assert.Single(incidents)!["message"]!.GetValue<string>());
    }

    /// <summary>What the finished instances of the alert workflow kept of the step's outputs, once <paramref name="count"/> have finished.</summary>
    private static async Task<List<string>> FinishedAsync(HttpClient client, string definitionId, int count)
    {
        var items = (await OkAsync(await client.GetAsync($"/api/instances?definitionId={definitionId}&status=Finished", Ct)))["items"]!.AsArray();
        Assert.Equal(count, items.Count);
        var lines = new List<string>();
        foreach (var item in items)
        {
            var instance = await OkAsync(await client.GetAsync($"/api/instances/{item!["id"]!.GetValue<string>()}", Ct));
            lines.Add(instance["variables"]!["result"]!.GetValue<string>());
        }
        return lines;
    }
}
