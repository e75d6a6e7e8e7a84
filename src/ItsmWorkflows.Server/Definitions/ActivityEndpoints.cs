using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Identity;

namespace ItsmWorkflows.Server.Definitions;

/// <summary>/api/activities: the activity types a definition may use, with the descriptors a designer builds its toolbox and property panels from.</summary>
internal static class ActivityEndpoints
{
    public static void MapActivityEndpoints(this WebApplication app)
    {
        var activities = app.MapGroup("/api/activities").WithTags("Definitions").RequireAuthorization(Policies.SignedIn);
        activities.MapGet("", (ActivityRegistry registry) => registry.Descriptors)
            .WithSummary("Every activity type: category, name, description, inputs (type, UI hint, options, default, required), outputs and outcome ports.");
        activities.MapGet("/{typeName}", (string typeName, ActivityRegistry registry) =>
            registry.TryGet(typeName, out var activity) ? activity.Descriptor : throw ProblemException.NotFound($"There is no activity type '{typeName}'; GET /api/activities lists them."));
    }
}
