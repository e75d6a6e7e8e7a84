using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities.Scripting;

/// <summary>Runs a JavaScript snippet in the sandbox; its value is the Result output and setOutcome(s) chooses the outcomes.</summary>
public sealed class RunJavaScript : IActivity, IPreparingActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.RunJavaScript",
        Category = "Scripting",
        DisplayName = "Run JavaScript",
        Description = "Runs a script. Its last value (or returned value) is the Result output; setOutcome('Name') picks the outcome followed.",
        Inputs =
        [
            new InputDescriptor("script", "String", "code-editor") { IsRequired = true, Description = "The JavaScript to run (sandboxed: no .NET access, time and memory limits)." },
            new InputDescriptor("possibleOutcomes", "String[]", "dynamic-outcomes") { DisplayName = "Possible outcomes", Description = "Outcome ports the script may choose with setOutcome." },
        ],
        Outputs = [new OutputDescriptor("result", "Object")],
        DynamicOutcomesFrom = "possibleOutcomes",
    };

    /// <summary>The script is the literal text of the input, so it is parsed once per definition version.</summary>
    public object? Prepare(PlanNode node)
    {
        if (node.Inputs.TryGetValue("script", out var input) && input.Expression?.IsConstant == true)
        {
            var text = ValueConverter.ToText(input.Expression.Constant);
            return string.IsNullOrWhiteSpace(text) ? null : JavaScriptRuntime.Prepare(text, node.Owner.Helpers);
        }
        return null;
    }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var prepared = context.Node.Prepared as Jint.Prepared<Acornima.Ast.Script>?;
        if (prepared is null)
        {
            var text = context.GetString("script");
            if (string.IsNullOrWhiteSpace(text)) return ValueTask.FromResult(ActivityResult.Done);
            prepared = JavaScriptRuntime.Prepare(text, context.Node.Owner.Helpers);
        }
        context.ScriptOutcomes = null;
        var result = JavaScriptRuntime.Evaluate(prepared.Value, context);
        context.SetOutput("result", result);
        var outcomes = context.ScriptOutcomes;
        return ValueTask.FromResult(outcomes is { Count: > 0 } ? ActivityResult.OutcomesOf(outcomes) : ActivityResult.Done);
    }
}
