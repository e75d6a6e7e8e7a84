namespace ItsmWorkflows.Engine.Expressions;

/// <summary>An expression that cannot be compiled: unsupported syntax, or a script or template that does not parse.</summary>
public sealed class ExpressionCompileException : Exception
{
    public ExpressionCompileException(string message) : base(message) { }

    public ExpressionCompileException(string message, Exception inner) : base(message, inner) { }

    public ExpressionCompileException() { }
}
