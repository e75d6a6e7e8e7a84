namespace ItsmWorkflows.Engine.Runtime;

/// <summary>A start named a version as the published one, and it no longer is (another was published meanwhile); nothing was saved.</summary>
public sealed class StalePublishedVersionException(string message, Exception? innerException = null) : Exception(message, innerException);
