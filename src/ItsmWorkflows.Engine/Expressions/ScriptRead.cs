namespace ItsmWorkflows.Engine.Expressions;

/// <summary>A read a script helper stands for: a variable or an input by name, or an activity's output (<see cref="Second"/> names the output).</summary>
internal sealed record ScriptRead(ScriptReadKind Kind, string First, string? Second);
