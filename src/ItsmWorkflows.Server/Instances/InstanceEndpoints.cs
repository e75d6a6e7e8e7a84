using System.Security.Claims;
using ItsmWorkflows.Server.Definitions;
using ItsmWorkflows.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ItsmWorkflows.Server.Instances;

/// <summary>/api/instances: start, list, inspect, events, resume, cancel, retry, move to another version (one, or all of a version).</summary>
internal static class InstanceEndpoints
{
    public static void MapInstanceEndpoints(this WebApplication app)
    {
        var start = app.MapGroup("/api/instances").WithTags("Instances").RequireAuthorization(Policies.StartWorkflows);
        var operate = app.MapGroup("/api/instances").WithTags("Instances").RequireAuthorization(Policies.OperateWorkflows);

        start.MapPost("", async Task<Created<InstanceDetailDto>> (StartInstanceRequest request, ClaimsPrincipal user, InstanceService s, CancellationToken ct) =>
        {
            var created = await s.StartAsync(request, DefinitionEndpoints.Actor(user), ct);
            return TypedResults.Created($"/api/instances/{created.Instance.Id}", created);
        });
        operate.MapGet("", ([AsParameters] InstanceQuery query, InstanceService s, CancellationToken ct) => s.ListAsync(query, ct));
        operate.MapGet("/{id}", (string id, InstanceService s, CancellationToken ct) => s.GetAsync(id, ct));
        operate.MapPost("/events", (TriggerEventRequest request, InstanceService s, CancellationToken ct) => s.TriggerEventAsync(request, ct));
        operate.MapPost("/{id}/bookmarks/{bookmarkId}/resume", (string id, string bookmarkId, ResumeRequest? request, InstanceService s, CancellationToken ct) => s.ResumeAsync(id, bookmarkId, request?.Payload, ct));
        operate.MapPost("/{id}/cancel", (string id, ClaimsPrincipal user, InstanceService s, CancellationToken ct) => s.CancelAsync(id, DefinitionEndpoints.Actor(user), ct));
        operate.MapPost("/{id}/migrate", (string id, MigrateInstanceRequest request, ClaimsPrincipal user, InstanceService s, CancellationToken ct) =>
            s.MigrateAsync(id, request, DefinitionEndpoints.Actor(user), ct));
        var definitions = app.MapGroup("/api/definitions").WithTags("Instances").RequireAuthorization(Policies.OperateWorkflows);
        definitions.MapPost("/{definitionId}/migrate-instances", (string definitionId, MigrateInstancesRequest request, ClaimsPrincipal user, InstanceService s, CancellationToken ct) =>
            s.MigrateAllAsync(definitionId, request, DefinitionEndpoints.Actor(user), ct));
        operate.MapPost("/{id}/incidents/{incidentId}/retry", (string id, string incidentId, InstanceService s, CancellationToken ct) => s.RetryAsync(id, incidentId, ct));
    }
}
