namespace ItsmWorkflows.Engine.Execution;

/// <summary>
/// A stimulus reached an instance stopped by an incident: nothing runs until an operator retries or cancels it.
/// The stimulus is not consumed (its bookmark stays), so it can still be given after the retry.
/// </summary>
public sealed class InstanceFaultedException : InvalidOperationException
{
    public InstanceFaultedException(string message) : base(message) { }

    public InstanceFaultedException(string message, Exception inner) : base(message, inner) { }

    public InstanceFaultedException() { }
}
