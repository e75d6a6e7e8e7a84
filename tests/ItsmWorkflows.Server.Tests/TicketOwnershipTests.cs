using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Which workflow may change which ticket: the one the ticket started, and the workflows it runs, however deep.</summary>
public sealed class TicketOwnershipTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private static string Flowchart(string id, string activity) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [ {{activity}} ], "connections": [] } }
        """;

    private static string Run(string type, string child, bool wait) => $$"""
        { "id": "Run", "type": "{{type}}",
          "workflowDefinitionId": { "typeName": "String", "expression": { "type": "Literal", "value": "{{child}}" } },
          "correlationId": { "typeName": "String", "expression": { "type": "JavaScript", "value": "getCorrelationId()" } },
          "waitForCompletion": { "typeName": "Boolean", "expression": { "type": "Literal", "value": {{(wait ? "true" : "false")}} } } }
        """;

    [Fact]
    public async Task AGrandchildOfARequestsProcess_ChangesTheRequest_WhileAnUnrelatedWorkflowCannot()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var dave = await fixture.ClientAsync("dave");
        // The request's process runs a sub-process that dispatches another; the last one moves the request on.
        const string SetStatus = """
            { "id": "Set", "type": "Itsm.SetStatus",
              "status": { "typeName": "String", "expression": { "type": "Literal", "value": "In progress" } },
              "note": { "typeName": "String", "expression": { "type": "Literal", "value": "Picked up by the sourcing sub-process" } } }
            """;
        foreach (var json in new[]
        {
            Flowchart("sourcing-" + suffix, SetStatus),
            Flowchart("vendor-" + suffix, Run("Elsa.DispatchWorkflow", "sourcing-" + suffix, wait: false)),
            Flowchart("root-" + suffix, Run("Elsa.ExecuteWorkflow", "vendor-" + suffix, wait: true)),
        })
        {
            await OkAsync(await dave.PostAsync("/api/definitions/import?publish=true", Body(json), Ct));
        }
        await CatalogItemRunningAsync(dave, "sourced-" + suffix, "root-" + suffix);

        var alice = await fixture.ClientAsync("alice");
        var number = (await OkAsync(await alice.PostJsonAsync("/api/requests", new { catalogItemId = "sourced-" + suffix, answers = new { model = "Performance 16\"", reason = "Renders" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);

        var ticket = await TicketAsync(alice, number);
        Assert.Equal("In progress", ticket["ticket"]!["status"]!.GetValue<string>());
        Assert.Contains(ticket["history"]!.AsArray(), e => e!["text"]!.GetValue<string>().Contains("Picked up by the sourcing sub-process", StringComparison.Ordinal));

        // A workflow that merely names the request (its own instance, no ancestry) changes nothing.
        var stranger = Flowchart("stranger-" + suffix, SetStatus.Replace("In progress", "Fulfilled", StringComparison.Ordinal));
        await OkAsync(await dave.PostAsync("/api/definitions/import?publish=true", Body(stranger), Ct));
        await OkAsync(await dave.PostJsonAsync("/api/instances", new { definitionId = "stranger-" + suffix, correlationId = number }));
        await SettleAsync(fixture);
        Assert.Equal("In progress", await StatusAsync(alice, number));
    }

    [Fact]
    public async Task TheInstanceTable_LeavesRoomOnEachPage_SoAStepThatKeepsTheStatusIsWrittenInPlace()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
        var options = await db.Database.SqlQueryRaw<string>("SELECT array_to_string(reloptions, ',') AS \"Value\" FROM pg_class WHERE relname = 'workflow_instances'").SingleAsync(Ct);
        Assert.Contains("fillfactor=80", options, StringComparison.Ordinal);
    }
}
