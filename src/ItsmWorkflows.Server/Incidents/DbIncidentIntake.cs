using ItsmWorkflows.Engine.Activities.Tickets;
using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Incidents;

/// <summary>Raise Incident's check before it queues: the service exists and the caller (or the service's owner) is someone to raise it for.</summary>
internal sealed class DbIncidentIntake(IServiceScopeFactory scopes) : IIncidentIntake
{
    public async ValueTask<string?> RefusalAsync(string serviceId, string? caller, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        return (await IncidentRaiser.ResolveCallerAsync(db, serviceId, caller, cancellationToken)).Refusal;
    }
}
