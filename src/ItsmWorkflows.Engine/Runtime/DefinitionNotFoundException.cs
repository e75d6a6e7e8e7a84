namespace ItsmWorkflows.Engine.Runtime;

public sealed class DefinitionNotFoundException : Exception
{
    public DefinitionNotFoundException(string message) : base(message) { }

    public DefinitionNotFoundException(string message, Exception inner) : base(message, inner) { }

    public DefinitionNotFoundException() { }
}
