using System.Net;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>An approval under way survives its instance moving to a version that renamed the approval activity.</summary>
public sealed class ApprovalMigrationTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private static string Definition(string id, string approveId) => $$"""
        { "definitionId": "{{id}}", "name": "Rename approval",
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
            { "id": "{{approveId}}", "type": "Itsm.RequestApproval",
              "approvers": { "typeName": "String[]", "expression": { "type": "JavaScript", "value": "['carol']" } },
              "title": { "typeName": "String", "expression": { "type": "Literal", "value": "Rename test" } },
              "requester": { "typeName": "String", "expression": { "type": "Literal", "value": "alice" } } },
            { "id": "Yes", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "approved" } } } ],
          "connections": [ { "source": { "activity": "{{approveId}}", "port": "Approved" }, "target": { "activity": "Yes", "port": "In" } } ] } }
        """;

    [Fact]
    public async Task RenamedApproval_TheDecisionIsTakenAndAudited()
    {
        var dave = await fixture.ClientAsync("dave");
        var id = "rnm-" + Guid.NewGuid().ToString("N")[..10];
        await OkAsync(await dave.PostAsync("/api/definitions/import?publish=true&asNewVersion=true", Body(Definition(id, "Approve1")), Ct));
        var instance = (await OkAsync(await dave.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>();
        await MailWorkflows.DeliverAsync(fixture);
        string approvalId;
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            approvalId = await scope.ServiceProvider.GetRequiredService<ItsmDbContext>().Approvals.Where(a => a.InstanceId == instance).Select(a => a.Id).SingleAsync(Ct);
        }
        await OkAsync(await dave.PostAsync("/api/definitions/import?publish=true&asNewVersion=true", Body(Definition(id, "CabApproval")), Ct));
        await OkAsync(await dave.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 2, activityMap = new Dictionary<string, string> { ["Approve1"] = "CabApproval" } }));

        var carol = await fixture.ClientAsync("carol");
        var decided = await carol.PostJsonAsync($"/api/approvals/{approvalId}/decision", new { decision = "approve" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal("approved", (await OkAsync(await dave.GetAsync($"/api/instances/{instance}", Ct)))["instance"]!["name"]!.GetValue<string>());
        await using var check = fixture.Factory.Services.CreateAsyncScope();
        Assert.Equal(1, await check.ServiceProvider.GetRequiredService<ItsmDbContext>().ApprovalAudit.CountAsync(a => a.ApprovalId == approvalId && a.Decision == "Approved", Ct));
    }
}
