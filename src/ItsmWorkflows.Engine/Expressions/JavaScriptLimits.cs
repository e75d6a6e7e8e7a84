namespace ItsmWorkflows.Engine.Expressions;

/// <summary>Sandbox limits for every script. A script that reaches one fails with a message naming the limit.</summary>
public sealed record JavaScriptLimits
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    public long MemoryBytes { get; init; } = 16 * 1024 * 1024;

    public int MaxStatements { get; init; } = 100_000;

    public int MaxRecursion { get; init; } = 256;

    public static JavaScriptLimits Default { get; } = new();
}
