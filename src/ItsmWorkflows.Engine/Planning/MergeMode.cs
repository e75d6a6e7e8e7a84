namespace ItsmWorkflows.Engine.Planning;

/// <summary>
/// How an activity with several inbound connections treats the tokens that reach it.
/// See docs in the README ("Flowchart semantics") for the rules with examples.
/// </summary>
public enum MergeMode
{
    /// <summary>Default: run once when every inbound connection has delivered a live or a dead token, if at least one was live.</summary>
    Auto,

    /// <summary>Run on every live token (Elsa's None / Stream / Cascade).</summary>
    Stream,

    /// <summary>Run once when every inbound forward connection delivered a live token; a dead one blocks it (Elsa's Merge, FlowJoin WaitAll).</summary>
    Merge,

    /// <summary>Like Merge, but loop-back connections count too (Elsa's Converge).</summary>
    Converge,

    /// <summary>Run on the first live token of a round; later tokens of the same round are absorbed (FlowJoin WaitAny).</summary>
    WaitAny,
}
