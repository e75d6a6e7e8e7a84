namespace ItsmWorkflows.Engine.Activities;

public enum ResultKind
{
    /// <summary>The activity is done; follow its outcomes.</summary>
    Complete,

    /// <summary>The activity waits on bookmarks.</summary>
    Suspend,

    /// <summary>The activity runs children and waits for them (a container).</summary>
    Schedule,

    /// <summary>The activity failed; an incident is recorded.</summary>
    Fault,

    /// <summary>Complete the enclosing flowchart (End).</summary>
    EndFlowchart,

    /// <summary>Complete the enclosing workflow scope with outcomes (Complete).</summary>
    CompleteWorkflowScope,

    /// <summary>Finish the whole instance, cancelling everything else (Finish).</summary>
    FinishInstance,
}
