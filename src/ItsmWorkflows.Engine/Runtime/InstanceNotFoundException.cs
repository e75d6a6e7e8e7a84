namespace ItsmWorkflows.Engine.Runtime;

public sealed class InstanceNotFoundException : Exception
{
    public InstanceNotFoundException(string message) : base(message) { }

    public InstanceNotFoundException(string message, Exception inner) : base(message, inner) { }

    public InstanceNotFoundException() { }
}
