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

    [Theory]
    [InlineData("const o = { get a() { return this.a; } }; return o.a;")]
    [InlineData("const o = { valueOf() { return +this; } }; return +o;")]
    [InlineData("function F() { return new F(); } return new F();")]
    public async Task RecursionOutsideCallExpressions_IsAScriptError_NotAProcessCrash(string script)
    {
        // Without Jint's native stack probe these overflow the thread's stack, which ends the whole server process.
        var (_, state) = await RunAsync(script);

        var incident = Assert.Single(state.Incidents);
        Assert.True(incident.Message.Contains("recursed deeper", StringComparison.Ordinal) || incident.Message.Contains("call stack", StringComparison.OrdinalIgnoreCase), incident.Message);
    }

    [Fact]
    public async Task JoinOfItemsWhoseTextChanges_IsStoppedByALimit_NotBuilt()
    {
        // A toString answering short when measured and long when joined: join built about 1 GB past its own check.
        var (_, state) = await RunAsync("let n = 0; const o = { toString() { return n++ % 2 ? 'x'.repeat(4000000) : ''; } }; return [o, o, o, o, o, o, o, o].join('').length;");

        var message = Assert.Single(state.Incidents).Message;
        Assert.True(message.Contains("Invalid string length: join", StringComparison.Ordinal) || message.Contains("16 MiB of memory", StringComparison.Ordinal), message);
    }

    [Fact]
    public async Task JoinOfFourBillionHoles_IsRefusedAtOnce()
    {
        // Measured element by element in C#, it held a thread for minutes past the 2 s limit.
        var (_, state) = await RunAsync("const a = []; a.length = 4294967295; return a.join('').length;");

        Assert.Contains("a script may join at most", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
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

    [Theory]
    [InlineData("return 'x'.repeat(2 ** 28).length;", "repeat")]
    [InlineData("return 'x'.padStart(2 ** 28).length;", "padStart")]
    [InlineData("return 'x'.padEnd(2 ** 28, 'ab').length;", "padEnd")]
    [InlineData("return new Array(1000).fill('x'.repeat(1000000)).join('').length;", "join")]
    // Four billion holes: measured in C#, element by element, it held a thread for minutes past the 2 s limit.
    [InlineData("return 'a'.repeat(20000).replaceAll('a', 'b'.repeat(20000)).length;", "replaceAll")]
    [InlineData("return 'a'.repeat(5000000).replace('a'.repeat(5000), '$&'.repeat(2000)).length;", "replace")]
    [InlineData("let a = []; for (let i = 0; i < 40; i++) a = [a, a]; return JSON.stringify(a).length;", "stringify")]
    public async Task StringAmplifier_PastTheMemoryLimit_RefusedBeforeAllocating(string script, string builtIn)
    {
        var (h, state) = await RunAsync(script);

        var incident = Assert.Single(state.Incidents);
        Assert.Contains("Invalid string length: " + builtIn + " would build more than", incident.Message, StringComparison.Ordinal);
        Assert.Empty(h.Output.Lines);
    }

    [Theory]
    [InlineData("return new Uint8Array(1500000000).length;")]
    [InlineData("return new ArrayBuffer(1500000000).byteLength;")]
    [InlineData("return new DataView(new ArrayBuffer(8)).byteLength;")]
    [InlineData("return Float64Array.from([1, 2]).length;")]
    public async Task BinaryData_IsNotThere_SoItCannotAllocatePastTheMemoryLimit(string script)
    {
        // A typed array's constructor allocated it whole between Jint's memory checks: 1.4 GB, and no incident.
        var (h, state) = await RunAsync(script);

        Assert.Contains("is not defined", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task BinaryData_CannotBeReachedAnotherWay()
    {
        var (h, state) = await RunAsync("[typeof Uint8Array, typeof Atomics, typeof SharedArrayBuffer, typeof globalThis.Int32Array, Object.getOwnPropertyNames(globalThis).filter(n => /Array$|Buffer|DataView/.test(n)).join()].join('|')");

        Assert.Empty(state.Incidents);
        Assert.Equal(["undefined|undefined|undefined|undefined|Array"], h.Output.Lines);
    }

    [Fact]
    public async Task StringBuiltIns_WithinTheLimit_Unchanged()
    {
        var (h, _) = await RunAsync("['ab'.repeat(3), '5'.padStart(3, '0'), 'x'.padEnd(3, '.'), [1, null, 'a'].join('-'), JSON.stringify({ a: [1, 'b'] }, null, 1).length].join('|')");

        Assert.Equal(["ababab|005|x..|1--a|25"], h.Output.Lines);
    }

    [Theory]
    [InlineData("return a;")]
    [InlineData("setVariable('Big', a); return 1;")]
    [InlineData("return toJson(a);")]
    public async Task SharedReferences_ExpandingPastTheBudget_RefusedWithClearMessage(string use)
    {
        var (h, state) = await RunAsync("let a = []; for (let i = 0; i < 40; i++) a = [a, a]; " + use);

        var incident = Assert.Single(state.Incidents);
        Assert.Contains("too large to keep: more than 100,000 values", incident.Message, StringComparison.Ordinal);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task CatastrophicRegex_StopsAtTheScriptTimeout()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var (_, state) = await RunAsync("return /^(a+)+$/.test('a'.repeat(40) + 'b');");

        var incident = Assert.Single(state.Incidents);
        Assert.Contains("regular expression in the script ran longer than the 2 s limit", incident.Message, StringComparison.Ordinal);
        // Jint's default regex timeout is 10 s; the script limit is 2 s.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(8), started.Elapsed.ToString());
    }
}
