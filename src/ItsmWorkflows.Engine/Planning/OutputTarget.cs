namespace ItsmWorkflows.Engine.Planning;

/// <summary>Where an activity output is stored: a variable (by name) or an output of the enclosing workflow.</summary>
public sealed record OutputTarget(bool IsWorkflowOutput, string Name);
