using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// An operator (contains, ==, &lt;, startswith…) that looks at the template's deadline before it compares: Fluid
/// counts an <c>if</c> as one step however many comparisons it makes, and twenty <c>contains</c> over large text in
/// a loop ran 23 s past the limit.
/// </summary>
internal sealed class LiquidTimedOperator(Expression inner) : Expression
{
    public override ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
    {
        LiquidDeadline.Check(context);
        return inner.EvaluateAsync(context);
    }

    /// <summary>A visitor (the depth check) walks into the operator as if it were not wrapped.</summary>
    protected override Expression Accept(AstVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        visitor.Visit(inner);
        return this;
    }

    /// <summary>Every operator the parser knows, timed.</summary>
    public static void InstallOn(FluidParser parser)
    {
        foreach (var (name, make) in parser.RegisteredOperators.ToList())
        {
            parser.RegisteredOperators[name] = (left, right) => new LiquidTimedOperator(make(left, right));
        }
    }
}
