using Fluid;
using Fluid.Ast;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Measures how deep a parsed template's tree is: nested blocks, and expressions such as a chain of
/// filters or of <c>and</c>/<c>or</c>, which Fluid parses in a loop but renders by recursion. A template
/// whose tree is too deep is refused at compile time, so rendering it cannot overflow the stack.
/// </summary>
internal sealed class LiquidDepthVisitor : AstVisitor
{
    private int _depth;

    public int MaxDepth { get; private set; }

    public static int Measure(IFluidTemplate template)
    {
        var visitor = new LiquidDepthVisitor();
        visitor.VisitTemplate(template);
        return visitor.MaxDepth;
    }

    // The deadline's wrappers (a timed tag, a timed operator) are not a level of their own.
    public override Statement Visit(Statement statement) => statement is LiquidTimedStatement ? base.Visit(statement) : Deeper(() => base.Visit(statement));

    public override Expression Visit(Expression expression) => expression is LiquidTimedOperator ? base.Visit(expression) : Deeper(() => base.Visit(expression));

    private T Deeper<T>(Func<T> visit)
    {
        _depth++;
        MaxDepth = Math.Max(MaxDepth, _depth);
        try
        {
            return visit();
        }
        finally
        {
            _depth--;
        }
    }
}
