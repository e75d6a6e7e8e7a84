namespace ItsmWorkflows.Engine.Runtime;

/// <summary>The host does not let this caller resume that bookmark by its id (the message says where to go instead).</summary>
public sealed class ResumeRefusedException : Exception
{
    public ResumeRefusedException(string message) : base(message) { }

    public ResumeRefusedException(string message, Exception inner) : base(message, inner) { }

    public ResumeRefusedException() { }
}
