namespace ItsmWorkflows.Engine.Definitions;

/// <summary>A definition file that cannot be read: not JSON, or JSON that is not a workflow definition. The message says where.</summary>
public sealed class DefinitionFormatException : Exception
{
    public DefinitionFormatException(string message) : base(message) { }

    public DefinitionFormatException(string message, Exception inner) : base(message, inner) { }

    public DefinitionFormatException() { }
}
