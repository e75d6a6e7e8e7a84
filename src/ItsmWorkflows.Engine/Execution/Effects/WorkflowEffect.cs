namespace ItsmWorkflows.Engine.Execution.Effects;

/// <summary>
/// Work a burst asks of the outside world (start a child, publish an event, answer an HTTP request).
/// The host carries it out after the burst's state is committed, so nothing happens for a step that rolled back.
/// </summary>
public abstract record WorkflowEffect;
