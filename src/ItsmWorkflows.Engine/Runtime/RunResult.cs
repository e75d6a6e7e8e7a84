using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>What a runtime call did to one instance: its committed state and the effects of its bursts.</summary>
public sealed record RunResult(WorkflowState State, IReadOnlyList<WorkflowEffect> Effects)
{
    public HttpResponseEffect? HttpResponse => Effects.OfType<HttpResponseEffect>().LastOrDefault();
}
