using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Identity;

namespace ItsmWorkflows.Server.Definitions;

internal sealed record ExpressionCheckRequest(string Syntax, JsonNode? Value, string? TypeName);

internal sealed record ExpressionCheckResult(bool Valid, string? Error, int? Line = null, int? Column = null);

/// <summary>
/// /api/activities: the activity types a definition may use, with the descriptors a designer builds its
/// toolbox and property panels from; and /api/expressions/check, which compiles one expression as a
/// definition would, so the designer shows a script's syntax error beside it while it is typed.
/// </summary>
internal static class ActivityEndpoints
{
    public static void MapActivityEndpoints(this WebApplication app)
    {
        var activities = app.MapGroup("/api/activities").WithTags("Definitions").RequireAuthorization(Policies.SignedIn);
        activities.MapGet("", (ActivityRegistry registry) => registry.Descriptors)
            .WithSummary("Every activity type: category, name, description, inputs (type, UI hint, options, default, required), outputs and outcome ports.");
        activities.MapGet("/{typeName}", (string typeName, ActivityRegistry registry) =>
            registry.TryGet(typeName, out var activity) ? activity.Descriptor : throw ProblemException.NotFound($"There is no activity type '{typeName}'; GET /api/activities lists them."));
        app.MapPost("/api/expressions/check", (ExpressionCheckRequest body) =>
        {
            if (string.IsNullOrWhiteSpace(body.Syntax)) throw ProblemException.BadRequest("Name the expression's syntax ('syntax'): Literal, JavaScript, Liquid, Variable, Input or Object.");
            if (body.Value is JsonValue text && text.TryGetValue<string>(out var s) && s.Length > 100_000) throw ProblemException.BadRequest("An expression is at most 100,000 characters.");
            try
            {
                // Compiling parses only: nothing of the script runs here.
                ExpressionCompiler.Compile(new ExpressionModel(body.Syntax, body.Value?.DeepClone()), body.TypeName, new ScriptHelperCatalog());
                return new ExpressionCheckResult(true, null);
            }
            catch (ExpressionCompileException ex)
            {
                return new ExpressionCheckResult(false, ex.Message, ex.Line, ex.Column);
            }
        }).WithTags("Definitions").RequireAuthorization(Policies.DesignWorkflows).WithSummary("Compiles one expression and says whether it is valid, and if not, why (process owners: it is the designer's).");
    }
}
