using ItsmWorkflows.Engine.Execution;
using Xunit;

namespace ItsmWorkflows.Engine.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task ImplicitLoop_RunsTwice()
    {
        var h = new EngineHarness();
        var def = h.LoadCorpus("test/integration/Elsa.Workflows.IntegrationTests/Scenarios/ImportAndExecute/Workflows/implicit-loop.json");
        var state = await h.RunUntilEndAsync(def.DefinitionId);
        Assert.True(state.Incidents.Count == 0, string.Join("; ", state.Incidents.Select(i => i.ActivityId + ": " + i.Message)) + " / " + string.Join(",", state.Journal.Select(j => j.ActivityId + ":" + j.Event)));
        Assert.Equal(["Do something", "Retry", "Do something", "Done"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }
}
