using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Parlot.Fluent;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// A tag ({% case %}, {% for %}, {% if %}, {% cycle %}…) that looks at the template's deadline before it runs. A
/// <c>case</c> compares its value with every <c>when</c> without an operator or a filter, so nothing else would look:
/// thirty thousand of them over large text ran for seconds past the limit. Checked per tag, a template stops within
/// one tag's work of its limit.
/// </summary>
internal sealed class LiquidTimedStatement(Statement inner) : Statement
{
    public override ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
    {
        LiquidDeadline.Check(context);
        return inner.WriteToAsync(writer, encoder, context);
    }

    /// <summary>A visitor (the depth check) walks into the tag as if it were not wrapped.</summary>
    protected override Statement Accept(AstVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        visitor.Visit(inner);
        return this;
    }

    /// <summary>Every tag the parser knows (its own and those registered before), timed.</summary>
    public static void InstallOn(FluidParser parser)
    {
        foreach (var (name, tag) in parser.RegisteredTags.ToList())
        {
            parser.RegisteredTags[name] = tag.Then<Statement>(static statement => new LiquidTimedStatement(statement));
        }
    }
}
