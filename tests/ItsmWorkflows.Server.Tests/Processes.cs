using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Definitions;
using ItsmWorkflows.Server.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Drives the shipped processes end to end: the repository's workflows/, the API, the outbox and timer jobs, the SMTP server.</summary>
internal static class Processes
{
    private static readonly SemaphoreSlim ImportLock = new(1, 1);

    /// <summary>Imports the repository's workflows/ folder into the fixture, as start-up does on a real server.</summary>
    public static async Task ImportAsync(ServerFixture fixture)
    {
        await ImportLock.WaitAsync(Ct);
        try
        {
            var source = Path.Combine(RepoRoot, "workflows");
            foreach (var folder in Directory.GetDirectories(source))
            {
                var target = Directory.CreateDirectory(Path.Combine(fixture.WorkflowsFolder, Path.GetFileName(folder))).FullName;
                foreach (var file in Directory.GetFiles(folder, "v*.json")) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            }
            await using var scope = fixture.Factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ShippedWorkflows>().ImportAsync(Ct);
        }
        finally
        {
            ImportLock.Release();
        }
    }

    /// <summary>Runs the outbox job until nothing is left: each delivered email resumes the step that waited for it.</summary>
    public static async Task SettleAsync(ServerFixture fixture)
    {
        for (var round = 0; round < 50; round++)
        {
            if (await MailWorkflows.DeliverAsync(fixture) == 0) return;
        }
        Assert.Fail("The outbox did not settle in 50 rounds.");
    }

    /// <summary>Moves the engine's clock and runs the timer sweep (what Hangfire does at the due time), then settles the mail.</summary>
    public static async Task AdvanceAsync(ServerFixture fixture, TimeSpan by)
    {
        fixture.EngineClock.Advance(by);
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TimerSweepJob>().RunAsync(Ct);
        }
        await SettleAsync(fixture);
    }

    public static async Task<JsonNode> TicketAsync(HttpClient client, string number) => await OkAsync(await client.GetAsync($"/api/tickets/{number}", Ct));

    public static async Task<string> StatusAsync(HttpClient client, string number) => (await TicketAsync(client, number))["ticket"]!["status"]!.GetValue<string>();

    /// <summary>The messages the SMTP server received whose subject mentions <paramref name="number"/>, as (to, subject).</summary>
    public static async Task<List<(string[] To, string Subject, string Text)>> MailAboutAsync(PostgresSmtpServerFixture fixture, string number) =>
        [.. (await fixture.Smtp.ReceivedAsync()).Messages
            .Where(m => m!["subject"]!.GetValue<string>().Contains(number, StringComparison.Ordinal))
            .Select(m => (m!["to"]!.AsArray().Select(a => a!.GetValue<string>()).Order().ToArray(), m["subject"]!.GetValue<string>(), m["text"]?.GetValue<string>() ?? ""))];

    /// <summary>The open approval of a ticket in an approver's inbox, decided through the API.</summary>
    public static async Task<HttpResponseMessage> DecideAsync(ServerFixture fixture, string approver, string number, string decision, string? comment = null)
    {
        var client = await fixture.ClientAsync(approver);
        var inbox = (await OkAsync(await client.GetAsync("/api/approvals/inbox", Ct))).AsArray();
        var approval = inbox.FirstOrDefault(a => a!["title"]!.GetValue<string>().Contains(number, StringComparison.Ordinal));
        Assert.True(approval is not null, $"{approver} has no approval for {number} in the inbox.");
        var response = await client.PostJsonAsync($"/api/approvals/{approval!["approvalId"]!.GetValue<string>()}/decision", new { decision, comment });
        await SettleAsync(fixture);
        return response;
    }

    /// <summary>The open tasks under a ticket, as (number, group).</summary>
    public static async Task<List<(string Number, string Group, string Title)>> OpenTasksAsync(HttpClient client, string number) =>
        [.. (await TicketAsync(client, number))["tasks"]!.AsArray().Where(t => t!["closedAt"] is null)
            .Select(t => (t!["number"]!.GetValue<string>(), t["assignmentGroup"]!.GetValue<string>(), t["title"]!.GetValue<string>()))];

    public static async Task CloseTaskAsync(ServerFixture fixture, string agent, string task, string state = "Complete", string? notes = null)
    {
        var client = await fixture.ClientAsync(agent);
        await OkAsync(await client.PostJsonAsync($"/api/tasks/{task}/close", new { state, notes }));
        await SettleAsync(fixture);
    }

    /// <summary>A catalog item like new-laptop, without approval, whose requests run <paramref name="definitionId"/>.</summary>
    public static async Task CatalogItemRunningAsync(HttpClient owner, string itemId, string definitionId)
    {
        var item = await OkAsync(await owner.GetAsync("/api/catalog/new-laptop", Ct));
        item["id"] = itemId;
        item["workflowDefinitionId"] = definitionId;
        item["approvalRequired"] = false;
        await OkAsync(await owner.PutAsync($"/api/catalog/{itemId}", Body(item.ToJsonString()), Ct));
    }

    /// <summary>
    /// A change body as the process tests send it; a standard one is raised from a template authorized for exactly its
    /// services, which a process owner makes the first time (a standard change needs one; the template tests make their own).
    /// </summary>
    public static async Task<JsonObject> FromTestTemplateAsync(ServerFixture fixture, object change)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(change, System.Text.Json.JsonSerializerOptions.Web)!.AsObject();
        if (!string.Equals(body["type"]?.GetValue<string>(), "standard", StringComparison.OrdinalIgnoreCase) || body.ContainsKey("template")) return body;
        var services = body["services"]!.AsArray().Select(s => s!.GetValue<string>()).ToArray();
        var id = "test-" + string.Join("-", services);
        var owner = await fixture.ClientAsync("dave");
        if ((await owner.GetAsync($"/api/change-templates/{id}", Ct)).StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            var created = await owner.PutJsonAsync($"/api/change-templates/{id}", new { name = $"Routine work on {string.Join(" and ", services)}", services, implementationPlan = "Follow the runbook", backoutPlan = "Undo it by the runbook" });
            if (created.StatusCode != System.Net.HttpStatusCode.Conflict) await OkAsync(created); // 409: a test beside this one made it first
        }
        body["template"] = id;
        return body;
    }

    public static async Task ClearBlackoutsAsync(ServerFixture fixture)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ItsmDbContext>().BlackoutWindows.ExecuteDeleteAsync(Ct);
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ItsmWorkflows.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find ItsmWorkflows.sln above the test binaries.");
        }
    }
}
