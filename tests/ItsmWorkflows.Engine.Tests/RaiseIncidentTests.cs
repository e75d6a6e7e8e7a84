using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Tickets;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Raise Incident asks the host for an incident with the step's commit and goes on with the host's answer.</summary>
public sealed class RaiseIncidentTests
{
    private static string Definition(string inputs) => Flowchart(
        string.Join(",", Activity("Raise", RaiseIncident.TypeName, inputs), WriteLineJs("Said", "getOutputFrom('Raise', 'number') + ' ' + getOutputFrom('Raise', 'created')")),
        Connect("Raise", "Said"));

    [Fact]
    public async Task Execute_QueuesTheRequestWithTheStep_AndTheHostsAnswerGivesTheNumber()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Definition(string.Join(",", Literal("title", "Disk full on db1"), Literal("service", "network"), Literal("impact", "1", "Int32"), Literal("alertKey", " db1/disk "))));

        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        var request = Assert.Single(h.Instances.Outbox, o => o.Kind == RaiseIncident.OutboxKind).Payload;
        Assert.Equal(("Disk full on db1", "network", 1L, 3L, "db1/disk"), (request["title"]!.GetValue<string>(), request["serviceId"]!.GetValue<string>(),
            request["impact"]!.GetValue<long>(), request["urgency"]!.GetValue<long>(), request["alertKey"]!.GetValue<string>()));
        Assert.Null(request["caller"]);

        await h.Runtime.ResumeAsync(state.InstanceId, request["bookmarkId"]!.GetValue<string>(), new JsonObject { ["raised"] = true, ["number"] = "INC0000042", ["created"] = false }, TestContext.Current.CancellationToken);
        Assert.Equal(["INC0000042 false"], h.Output.Lines);
    }

    [Fact]
    public async Task ARefusal_FaultsTheStep_WithTheHostsReason()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Definition(string.Join(",", Literal("title", "Disk full"), Literal("service", "nope"))));
        var bookmark = Assert.Single(h.Instances.Outbox).Payload["bookmarkId"]!.GetValue<string>();

        var result = await h.Runtime.ResumeAsync(state.InstanceId, bookmark, new JsonObject { ["raised"] = false, ["reason"] = "There is no service 'nope'." }, TestContext.Current.CancellationToken);

        var incident = Assert.Single(result.State.Incidents);
        Assert.Equal(("The incident was not raised: There is no service 'nope'.", "IncidentRefused"), (incident.Message, incident.Code));
    }

    /// <summary>Knows the network service only, and nobody called ghost.</summary>
    private sealed class Intake : IIncidentIntake
    {
        public ValueTask<string?> RefusalAsync(string serviceId, string? caller, CancellationToken cancellationToken) =>
            ValueTask.FromResult(serviceId != "network" ? $"There is no service '{serviceId}'." : caller == "ghost" ? "There is no person 'ghost'." : null);
    }

    [Fact]
    public async Task AServiceOrCallerTheHostWouldRefuse_FaultsAtOnce_AndAsksNothing()
    {
        var h = new EngineHarness(incidentIntake: new Intake());
        var state = await h.StartAsync(Definition(string.Join(",", Literal("title", "Disk full"), Literal("service", "storage"))));
        var ghost = new EngineHarness(incidentIntake: new Intake());
        var byGhost = await ghost.StartAsync(Definition(string.Join(",", Literal("title", "Disk full"), Literal("service", "network"), Literal("caller", "ghost"))));

        Assert.Equal(("The incident cannot be raised: There is no service 'storage'.", "IncidentRefused"), (Assert.Single(state.Incidents).Message, state.Incidents[0].Code));
        Assert.Equal("The incident cannot be raised: There is no person 'ghost'.", Assert.Single(byGhost.Incidents).Message);
        Assert.Empty(h.Instances.Outbox);
        Assert.Empty(ghost.Instances.Outbox);
    }

    [Fact]
    public async Task ATitleOrAlertKeyTooLongToKeep_FaultsAtOnce()
    {
        var h = new EngineHarness();
        var title = await h.StartAsync(Definition(string.Join(",", Literal("title", new string('t', 301)), Literal("service", "network"))));
        var key = new EngineHarness();
        var alert = await key.StartAsync(Definition(string.Join(",", Literal("title", "Disk full"), Literal("service", "network"), Literal("alertKey", new string('k', 201)))));

        Assert.Equal("Raise Incident: the title is 301 characters long; an incident's title takes at most 300.", Assert.Single(title.Incidents).Message);
        Assert.Equal("Raise Incident: the alert key is 201 characters long; at most 200.", Assert.Single(alert.Incidents).Message);
        Assert.Empty(h.Instances.Outbox);
        Assert.Empty(key.Instances.Outbox);
    }

    [Theory]
    [InlineData("", "network", "3", "Raise Incident needs a title.")]
    [InlineData("Disk full", "", "3", "Raise Incident needs a service.")]
    [InlineData("", "", "3", "Raise Incident needs a title and a service.")]
    [InlineData("Disk full", "network", "4", "Raise Incident: impact and urgency are 1, 2 or 3 (got 4 and 3).")]
    public async Task MissingOrWrongInputs_FaultWithoutAsking(string title, string service, string impact, string expected)
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Definition(string.Join(",", Literal("title", title), Literal("service", service), Literal("impact", impact, "Int32"))));

        Assert.Equal(expected, Assert.Single(state.Incidents).Message);
        Assert.Empty(h.Instances.Outbox);
    }
}
