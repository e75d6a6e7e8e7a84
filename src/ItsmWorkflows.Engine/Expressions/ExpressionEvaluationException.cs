namespace ItsmWorkflows.Engine.Expressions;

/// <summary>An expression failed while it ran (script error, limit reached, template error).</summary>
public sealed class ExpressionEvaluationException : Exception
{
    public ExpressionEvaluationException(string message) : base(message) { }

    public ExpressionEvaluationException(string message, Exception inner) : base(message, inner) { }

    public ExpressionEvaluationException() { }
}
