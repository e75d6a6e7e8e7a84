namespace ItsmWorkflows.Engine.Expressions;

/// <summary>An expression that cannot be compiled: unsupported syntax, or a script or template that does not parse.</summary>
public sealed class ExpressionCompileException : Exception
{
    public ExpressionCompileException(string message) : base(message) { }

    public ExpressionCompileException(string message, Exception inner) : base(message, inner) { }

    public ExpressionCompileException() { }

    /// <summary>Where the parser stopped, when it says: line (1-based) and column (1-based).</summary>
    public int? Line { get; init; }

    public int? Column { get; init; }
}
