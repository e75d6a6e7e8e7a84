using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities;

/// <summary>What an activity tells the runner to do next. Activities return it; they never reach into the runner.</summary>
public sealed class ActivityResult
{
    private static readonly string[] DoneOutcome = ["Done"];

    private ActivityResult(ResultKind kind) => Kind = kind;

    public ResultKind Kind { get; }

    public IReadOnlyList<string> Outcomes { get; private init; } = DoneOutcome;

    public IReadOnlyList<Bookmark> Bookmarks { get; private init; } = [];

    public IReadOnlyList<ChildSchedule> Children { get; private init; } = [];

    public string? Error { get; private init; }

    public string? ErrorCode { get; private init; }

    /// <summary>Completed with the "Done" outcome.</summary>
    public static ActivityResult Done { get; } = new(ResultKind.Complete);

    /// <summary>A container that keeps waiting for children it already scheduled.</summary>
    public static ActivityResult Waiting { get; } = new(ResultKind.Schedule);

    public static ActivityResult Outcome(string outcome) =>
        outcome == "Done" ? Done : new(ResultKind.Complete) { Outcomes = [outcome] };

    public static ActivityResult OutcomesOf(IReadOnlyList<string> outcomes) => new(ResultKind.Complete) { Outcomes = outcomes };

    public static ActivityResult Suspend(params Bookmark[] bookmarks) => new(ResultKind.Suspend) { Bookmarks = bookmarks };

    public static ActivityResult Schedule(params ChildSchedule[] children) => new(ResultKind.Schedule) { Children = children };

    public static ActivityResult Schedule(IReadOnlyList<ChildSchedule> children) => new(ResultKind.Schedule) { Children = children };

    public static ActivityResult Fault(string message, string? code = null) => new(ResultKind.Fault) { Error = message, ErrorCode = code };

    public static ActivityResult EndFlowchart { get; } = new(ResultKind.EndFlowchart);

    public static ActivityResult CompleteScope(IReadOnlyList<string> outcomes) => new(ResultKind.CompleteWorkflowScope) { Outcomes = outcomes };

    public static ActivityResult FinishInstance { get; } = new(ResultKind.FinishInstance);
}
