namespace ItsmWorkflows.Engine.Runtime;

/// <summary>Another burst committed for the same instance first; nothing of this one was saved.</summary>
public sealed class ConcurrencyException : Exception
{
    public ConcurrencyException(string message) : base(message) { }

    public ConcurrencyException(string message, Exception inner) : base(message, inner) { }

    public ConcurrencyException() { }
}
