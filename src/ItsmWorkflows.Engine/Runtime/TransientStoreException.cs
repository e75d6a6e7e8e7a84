namespace ItsmWorkflows.Engine.Runtime;

/// <summary>
/// The store failed for a reason that may pass (connection reset, database restarting, serialization
/// failure). Nothing was saved; the runtime runs the burst again on fresh state instead of recording a fault.
/// </summary>
public sealed class TransientStoreException : Exception
{
    public TransientStoreException(string message) : base(message) { }

    public TransientStoreException(string message, Exception inner) : base(message, inner) { }

    public TransientStoreException() { }
}
