namespace ItsmWorkflows.Conformance;

/// <summary>A scenario did not behave as Elsa's tests expect; the message says how.</summary>
public sealed class ScenarioFailedException : Exception
{
    public ScenarioFailedException(string message) : base(message) { }

    public ScenarioFailedException(string message, Exception inner) : base(message, inner) { }

    public ScenarioFailedException() { }
}
