namespace ItsmWorkflows.Server.Data;

/// <summary>A setting the server cannot start with; its message names the setting and what is wrong with it.</summary>
internal sealed class StartupConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
