namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>
/// The host's outbound HTTP policy stopped a request: an address it may not reach, or a response larger than
/// it will read. Not a connection failure: trying again gets the same answer, so the activity faults.
/// </summary>
public sealed class OutboundHttpPolicyException : Exception
{
    public OutboundHttpPolicyException()
    {
    }

    public OutboundHttpPolicyException(string message) : base(message)
    {
    }

    public OutboundHttpPolicyException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
