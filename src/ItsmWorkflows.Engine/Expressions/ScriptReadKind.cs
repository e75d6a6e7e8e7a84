namespace ItsmWorkflows.Engine.Expressions;

/// <summary>What a read helper of a script reads.</summary>
internal enum ScriptReadKind
{
    Variable,
    Input,
    Output,
}
