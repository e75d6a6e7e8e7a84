using ItsmWorkflows.Engine.Activities.Tickets;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>A ticket as it stands (status, who has it), from the ticket records as last committed (an agent's reassignment included).</summary>
internal sealed class DbTicketDirectory(IServiceScopeFactory scopes) : ITicketDirectory
{
    public async ValueTask<TicketNow?> FindAsync(string number, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var key = number.Trim().ToUpperInvariant();
        return await db.Tickets.AsNoTracking().Where(t => t.Number == key)
            .Select(t => new TicketNow(t.Number, t.Status, t.AssignmentGroup, t.Assignee,
                t.Assignee == null ? null : db.Users.Where(u => u.UserName == t.Assignee).Select(u => u.DisplayName).FirstOrDefault()))
            .FirstOrDefaultAsync(cancellationToken);
    }
}
