namespace ItsmWorkflows.Server.Data;

/// <summary>A setting the server cannot start with, or a database it must not run on; its message names what is wrong and what to do.</summary>
internal sealed class StartupConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
