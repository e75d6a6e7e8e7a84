using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class JavaScriptSandboxTests
{
    private static async Task<(EngineHarness Harness, WorkflowState State)> RunAsync(string script)
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(WriteLineJs("Write1", script)));
        return (h, state);
    }

    [Fact]
    public async Task EndlessLoop_Evaluated_StopsWithClearMessage()
    {
        var (_, state) = await RunAsync("let i = 0; while (true) { i++; } return i;");

        var incident = Assert.Single(state.Incidents);
        Assert.Contains("endless loop", incident.Message, StringComparison.Ordinal);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
    }

    [Theory]
    [InlineData("typeof System")]
    [InlineData("typeof importNamespace")]
    [InlineData("typeof clrHelper")]
    public async Task ClrAccess_Probed_IsUndefined(string script)
    {
        var (h, _) = await RunAsync(script);

        Assert.Equal(["undefined"], h.Output.Lines);
    }

    [Theory]
    [InlineData("eval('1 + 1')")]
    [InlineData("new Function('return 1')()")]
    public async Task StringCompilation_Attempted_IsRefused(string script)
    {
        var (h, state) = await RunAsync(script);

        Assert.Single(state.Incidents);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task ImplicitGlobal_Assigned_IsRefusedInStrictMode()
    {
        var (h, state) = await RunAsync("leaked = 'secret'; return leaked;");

        Assert.Contains("leaked", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task ImplicitGlobal_AssignedInOneInstance_NotVisibleInTheNext()
    {
        await RunAsync("try { leaked = 'secret'; } catch (e) { } return 1;");

        var (h, _) = await RunAsync("typeof leaked");

        Assert.Equal(["undefined"], h.Output.Lines);
    }

    [Fact]
    public async Task TopLevelDeclaration_InOneEvaluation_NotVisibleInTheNext()
    {
        await RunAsync("var shared = 'secret'; function helper() { return shared; } return helper();");

        var (h, _) = await RunAsync("typeof shared + ',' + typeof helper");

        Assert.Equal(["undefined,undefined"], h.Output.Lines);
    }

    [Fact]
    public async Task GlobalsAndBuiltIns_ChangedByOneScript_NotSeenByTheNext()
    {
        await RunAsync("globalThis.getVariable = () => 'forged'; Array.prototype.includes = () => true; globalThis.stash = 'secret'; return 1;");

        var (h, _) = await RunAsync("[typeof stash, [1].includes(2), typeof getVariable('x'), Object.keys(globalThis).length].join(',')");

        Assert.Equal(["undefined,false,undefined,0"], h.Output.Lines);
    }

    [Fact]
    public async Task ScriptHelpers_AfterAnotherScriptReplacedThem_StillWork()
    {
        await RunAsync("getWorkflowInstanceId = () => 'someone else'; return 1;");

        var (h, state) = await RunAsync("getWorkflowInstanceId() === '" + "' ? 'empty' : getWorkflowInstanceId().length > 0 && getWorkflowInstanceId() !== 'someone else'");

        Assert.Empty(state.Incidents);
        Assert.Equal(["true"], h.Output.Lines);
    }
}
