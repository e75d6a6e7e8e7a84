using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>
/// Approvers from the people and groups in the database: "carol" (a user name), "group:Change Advisory
/// Board" (its members), or an email address (the person with it, else an external approver who decides
/// by link only). Each person comes with their delegate and their manager. Switched-off people are left out.
/// </summary>
internal sealed class DbApproverDirectory(IServiceScopeFactory scopes) : IApproverDirectory
{
    public async ValueTask<IReadOnlyList<ApproverInfo>> ResolveAsync(IReadOnlyList<string> approvers, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var people = new List<Person>();
        var external = new List<ApproverInfo>();
        foreach (var entry in approvers)
        {
            if (entry.StartsWith("group:", StringComparison.OrdinalIgnoreCase))
            {
                var name = entry[6..].Trim();
                var members = await db.GroupMembers.Where(m => db.Groups.Any(g => g.Id == m.GroupId && g.Name == name)).Select(m => m.PersonId).ToListAsync(cancellationToken);
                people.AddRange(await db.Users.Where(u => members.Contains(u.Id) && u.DisabledAt == null).OrderBy(u => u.UserName).ToListAsync(cancellationToken));
                continue;
            }
            var normalized = entry.Trim().ToUpperInvariant();
            var person = entry.Contains('@', StringComparison.Ordinal)
                ? await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken)
                : await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
            // A switched-off person decides nothing (they left, or the account is not theirs now): not asked, not emailed.
            if (person is not null) { if (person.DisabledAt is null) people.Add(person); }
            else if (entry.Contains('@', StringComparison.Ordinal)) external.Add(new ApproverInfo(entry.Trim(), entry.Trim(), entry.Trim()));
        }
        var related = people.SelectMany(p => new[] { p.DelegateId, p.ManagerId }).Where(id => id is not null).Distinct().ToList();
        var others = await db.Users.Where(u => related.Contains(u.Id) && u.DisabledAt == null).ToDictionaryAsync(u => u.Id, cancellationToken);
        ApproverInfo? Info(string? id) => id is not null && others.TryGetValue(id, out var p) ? new ApproverInfo(p.UserName!, p.DisplayName, p.Email) : null;
        return [.. people.DistinctBy(p => p.Id).Select(p => new ApproverInfo(p.UserName!, p.DisplayName, p.Email, Info(p.DelegateId), Info(p.ManagerId))), .. external];
    }
}
