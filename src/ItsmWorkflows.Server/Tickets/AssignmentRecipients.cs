using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>Who hears about an assignment: the assignee, or without one the group's staff, addressed by name.</summary>
internal static class AssignmentRecipients
{
    /// <summary>
    /// Their addresses ("Nina Network &lt;nina@…&gt;"), leaving out <paramref name="except"/> (who made the change knows
    /// it) and any address mail cannot take; and the first one's display name, for a ticket that has no group.
    /// </summary>
    public static async Task<(List<string> To, string? FirstName)> FindAsync(ItsmDbContext db, string? assignee, string? group, string? except, CancellationToken cancellationToken)
    {
        // A group's staff only: a member who only approves for it (the Change Advisory Board's managers) does not work
        // its tickets, and the button would lead them to a page they may not open.
        var staff = Roles.StaffIds(db);
        // An assignee whose account was switched off reads nothing here: the group hears instead.
        if (assignee is not null && group is not null && await db.Users.AnyAsync(u => u.UserName == assignee && u.DisabledAt != null, cancellationToken)) assignee = null;
        var people = assignee is not null
            ? db.Users.Where(u => u.UserName == assignee)
            : db.Users.Where(u => db.GroupMembers.Any(m => m.PersonId == u.Id && db.Groups.Any(g => g.Id == m.GroupId && g.Name == group))
                && staff.Contains(u.Id));
        // A switched-off account reads no mail here: its owner left, or it is not theirs any more.
        var found = await people.AsNoTracking().Where(u => (except == null || u.UserName != except) && u.DisabledAt == null).OrderBy(u => u.UserName)
            .Select(u => new { u.DisplayName, u.Email }).ToListAsync(cancellationToken);
        return (Addresses(found.Select(p => (p.DisplayName, p.Email))), found.FirstOrDefault()?.DisplayName);
    }

    /// <summary>
    /// The addresses of these people of the directory (user names), by the same rules: not <paramref name="except"/>,
    /// nobody switched off, nobody mail cannot reach. Anyone not in the directory is left out.
    /// </summary>
    public static async Task<List<string>> OfPeopleAsync(ItsmDbContext db, IReadOnlyCollection<string> userNames, string? except, CancellationToken cancellationToken)
    {
        if (userNames.Count == 0) return [];
        var found = await db.Users.AsNoTracking().Where(u => userNames.Contains(u.UserName!) && (except == null || u.UserName != except) && u.DisabledAt == null)
            .OrderBy(u => u.UserName).Select(u => new { u.DisplayName, u.Email }).ToListAsync(cancellationToken);
        return Addresses(found.Select(p => (p.DisplayName, p.Email)));
    }

    private static List<string> Addresses(IEnumerable<(string DisplayName, string? Email)> people) =>
        [.. people.Where(p => !string.IsNullOrWhiteSpace(p.Email))
            .Select(p => EmailMessage.ParseAddresses([p.DisplayName != p.Email ? $"{p.DisplayName} <{p.Email}>" : p.Email!]))
            .Where(parsed => parsed.Invalid is null).SelectMany(parsed => parsed.Addresses).Distinct()];

    /// <summary>
    /// Who works a request now: for each of its open fulfilment tasks, the task's assignee, else the task's group's
    /// agents (a task nobody took is still its group's work); with no open task (awaiting approval, say), the request's
    /// own assignee, else its group's agents. Also the open tasks' numbers, which is how those people find the work.
    /// </summary>
    public static async Task<(List<string> To, List<string> Tasks)> ForRequestAsync(ItsmDbContext db, TicketRecord request, string? except, CancellationToken cancellationToken)
    {
        var tasks = await db.Tickets.AsNoTracking()
            .Where(t => t.ParentNumber == request.Number && t.Kind == TicketKind.Task && t.ClosedAt == null)
            .OrderBy(t => t.Number).Select(t => new { t.Number, t.Assignee, t.AssignmentGroup }).ToListAsync(cancellationToken);
        if (tasks.Count == 0)
        {
            return ((await FindAsync(db, request.Assignee, request.AssignmentGroup, except, cancellationToken)).To, []);
        }
        var to = new List<string>();
        // A few tasks at most: one look-up each, with FindAsync's rules (a switched-off assignee's group hears instead).
        foreach (var (assignee, group) in tasks.Select(t => (t.Assignee, t.AssignmentGroup)).Distinct())
        {
            to.AddRange((await FindAsync(db, assignee, group, except, cancellationToken)).To);
        }
        return ([.. to.Distinct()], [.. tasks.Select(t => t.Number)]);
    }
}
