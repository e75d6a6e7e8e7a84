using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities.Composition;

/// <summary>
/// Runs activities connected by outcome ports. Tokens flow along connections; a connection whose port
/// was not taken carries a dead token, so joins know a branch will not come (dead-path elimination).
/// How an activity with several inbound connections joins is its <see cref="MergeMode"/>.
/// </summary>
public sealed class Flowchart : ICompositeActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Flowchart",
        Category = "Flow",
        DisplayName = "Flowchart",
        Description = "Runs activities connected by their outcomes; completes when no path has work left.",
        Kind = ActivityKind.Container,
        ChildSlots = ["activities"],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var plan = context.Node.Flowchart!;
        var state = context.GetState<FlowchartState>();
        var trigger = context.TriggerPath is { } path ? context.Node.Activities.FirstOrDefault(a => a.Path == path) : null;
        if (trigger is not null)
        {
            state.Open = 1;
            return ValueTask.FromResult(ActivityResult.Schedule(new ChildSchedule(trigger, IsTrigger: true)));
        }
        if (plan.Starts.Count == 0) return ValueTask.FromResult(ActivityResult.Done);
        state.Open = plan.Starts.Count;
        return ValueTask.FromResult(ActivityResult.Schedule([.. plan.Starts.Select(s => new ChildSchedule(s))]));
    }

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken)
    {
        var plan = context.Node.Flowchart!;
        var state = context.GetState<FlowchartState>();
        state.Open--;
        List<ChildSchedule>? scheduled = null;
        if (plan.Outgoing.TryGetValue(child.Node.Path, out var outgoing))
        {
            foreach (var connection in outgoing)
            {
                Deliver(plan, state, connection, Contains(child.Outcomes, connection.SourcePort), ref scheduled);
            }
        }
        var count = scheduled?.Count ?? 0;
        state.Open += count;
        if (state.Open <= 0)
        {
            // Nothing runs and nothing waits: joins still waiting for a token that cannot come are dropped.
            state.Rounds.Clear();
            return ValueTask.FromResult(ActivityResult.Done);
        }
        return ValueTask.FromResult(count > 0 ? ActivityResult.Schedule(scheduled!) : ActivityResult.Waiting);
    }

    private static bool Contains(IReadOnlyList<string> outcomes, string port)
    {
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (string.Equals(outcomes[i], port, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static void Deliver(FlowchartPlan plan, FlowchartState state, PlanConnection connection, bool live, ref List<ChildSchedule>? scheduled)
    {
        var target = connection.Target;
        var mode = target.MergeMode;
        if (connection.IsBackEdge && mode != MergeMode.Converge)
        {
            // A loop back re-enters the activity on every live token; dead tokens never travel round a loop.
            if (live) (scheduled ??= []).Add(new ChildSchedule(target));
            return;
        }
        var inbound = mode == MergeMode.Converge ? plan.InboundAll.GetValueOrDefault(target.Path) : plan.InboundForward.GetValueOrDefault(target.Path);
        var inboundCount = inbound?.Length ?? 1;
        if (inboundCount <= 1)
        {
            if (live) (scheduled ??= []).Add(new ChildSchedule(target));
            else PropagateDead(plan, state, target, ref scheduled);
            return;
        }

        if (!state.Rounds.TryGetValue(target.Path, out var round) || round.Live.Contains(connection.Index) || round.Dead.Contains(connection.Index))
        {
            // First token, or a second token on the same connection: that one belongs to a new round.
            state.Rounds[target.Path] = round = new JoinRound();
        }
        (live ? round.Live : round.Dead).Add(connection.Index);
        var complete = round.Live.Count + round.Dead.Count >= inboundCount;
        var run = false;
        var dead = false;
        switch (mode)
        {
            case MergeMode.Stream:
                run = live;
                dead = complete && round.Live.Count == 0;
                break;
            case MergeMode.WaitAny:
                run = live && !round.Fired;
                if (run) round.Fired = true;
                dead = complete && !round.Fired;
                break;
            case MergeMode.Merge or MergeMode.Converge:
                run = complete && round.Dead.Count == 0;
                dead = complete && round.Dead.Count > 0;
                break;
            default:
                run = complete && round.Live.Count > 0;
                dead = complete && round.Live.Count == 0;
                break;
        }
        if (complete) state.Rounds.Remove(target.Path);
        if (run) (scheduled ??= []).Add(new ChildSchedule(target));
        if (dead) PropagateDead(plan, state, target, ref scheduled);
    }

    private static void PropagateDead(FlowchartPlan plan, FlowchartState state, PlanNode node, ref List<ChildSchedule>? scheduled)
    {
        if (!plan.Outgoing.TryGetValue(node.Path, out var outgoing)) return;
        foreach (var connection in outgoing)
        {
            if (!connection.IsBackEdge) Deliver(plan, state, connection, false, ref scheduled);
        }
    }
}
