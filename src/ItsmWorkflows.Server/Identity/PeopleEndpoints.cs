using System.Security.Claims;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Identity;

/// <summary>A person in the directory; <c>Roles</c> and <c>Disabled</c> only in an administrator's view (null otherwise): who the administrators are, and whose account was switched off, is not every requester's business.</summary>
internal sealed record DirectoryPersonDto(string UserName, string DisplayName, string? Email, string? Department, string? Manager, string? Delegate, IReadOnlyList<string> Groups, IReadOnlyList<string>? Roles, bool? Disabled)
{
    /// <summary>Only in the answer to switching an account off: how many of its open tickets went back to their groups.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? ReleasedTickets { get; init; }

    /// <summary>Only in the answer to switching an account off (or setting the manager or delegate of one that is off): how many approvals waiting on their decision went to their manager or delegate.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? HandedOverApprovals { get; init; }

    /// <summary>Only with <see cref="HandedOverApprovals"/>: how many approvals still wait on them, because nobody could take them.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? StrandedApprovals { get; init; }

    /// <summary>Only in the answer to switching an account off: its groups that now have nobody switched on in them (their work and mail reach nobody).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? GroupsLeftEmpty { get; init; }
}

/// <summary>A group: its members' user names, and beside them (same order) the names people know them by.</summary>
internal sealed record GroupDto(string Name, string? Description, IReadOnlyList<string> Members, IReadOnlyList<string> MemberNames);

internal sealed record DelegateRequest(string? Delegate);

internal sealed record PersonUpdateRequest(string? Manager, string? Delegate, string? Department, IReadOnlyList<string>? Groups, string? DisplayName = null, string? Email = null, IReadOnlyList<string>? Roles = null);

/// <summary>
/// /api/people and /api/groups: who reports to whom (hierarchical escalation), who decides while someone is
/// away (delegates), who is in which group (assignment and approvals). Everyone signed in reads and sets
/// their own delegate; admins change the rest.
/// </summary>
internal static partial class PeopleEndpoints
{
    public static void MapPeopleEndpoints(this WebApplication app)
    {
        var people = app.MapGroup("/api/people").WithTags("People").RequireAuthorization(Policies.SignedIn);
        people.MapGet("", async (ClaimsPrincipal user, ItsmDbContext db, CancellationToken ct) => await DirectoryAsync(db, null, ct, accounts: user.IsInRole(Roles.Admin))).WithSummary("People with their manager, delegate and groups.");
        people.MapPut("/me/delegate", async (DelegateRequest body, ClaimsPrincipal user, ItsmDbContext db, Approvals.DelegationHandover handover, CancellationToken ct) =>
        {
            var me = await FindAsync(db, user.Identity!.Name!, ct);
            var previous = me.DelegateId;
            me.DelegateId = await DelegateIdAsync(db, me, body.Delegate, ct);
            await db.SaveChangesAsync(ct);
            // Once the delegate is saved, the handover runs to its end even if the caller goes away.
            await handover.ApplyAsync(me, previous, CancellationToken.None);
            return (await DirectoryAsync(db, me.Id, ct))[0];
        }).WithSummary("Names who decides your approvals while you are away, those already waiting included (null clears it and withdraws the links the former delegate did not use).");
        people.MapPut("/{userName}", async (string userName, PersonUpdateRequest body, ClaimsPrincipal user, ItsmDbContext db, PeopleAdmin admin, Microsoft.AspNetCore.Identity.UserManager<Person> users, Approvals.DelegationHandover handover,
            Approvals.SwitchedOffApprovals switchedOff, ILoggerFactory logs, CancellationToken ct) =>
        {
            // One transaction: a refusal after the roles were set (a reporting loop, an unknown group) keeps nothing,
            // where the roles (and the names with them) were already saved by Identity.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var person = await FindAsync(db, userName, ct);
            if (body.DisplayName is not null)
            {
                if (body.DisplayName.Trim().Length == 0) throw ProblemException.BadRequest("A display name cannot be empty: it is the name others read.");
                person.DisplayName = body.DisplayName.Trim();
            }
            if (body.Email is not null)
            {
                var email = body.Email.Trim();
                if (email.Length > 0 && !System.Net.Mail.MailAddress.TryCreate(email, out _)) throw ProblemException.BadRequest($"'{email}' is not an email address.");
                person.Email = email.Length == 0 ? null : email;
                person.NormalizedEmail = users.NormalizeEmail(person.Email);
            }
            if (body.Roles is not null) await admin.SetRolesAsync(person, body.Roles, user.Identity!.Name!);
            var previousDelegate = person.DelegateId;
            if (body.Manager is not null)
            {
                if (body.Manager.Length == 0) person.ManagerId = null;
                else
                {
                    var manager = await FindAsync(db, body.Manager, ct);
                    // Escalation walks the chain upwards: a loop would notify the same people forever.
                    for (var step = manager; step is not null; step = step.ManagerId is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Id == step.ManagerId, ct))
                    {
                        if (step.Id == person.Id) throw ProblemException.Conflict($"{body.Manager} reports (directly or not) to {userName}; {userName} cannot report to them.");
                    }
                    person.ManagerId = manager.Id;
                }
            }
            if (body.Delegate is not null) person.DelegateId = await DelegateIdAsync(db, person, body.Delegate.Length == 0 ? null : body.Delegate, ct);
            if (body.Department is not null) person.Department = body.Department.Length == 0 ? null : body.Department.Trim();
            if (body.Groups is not null)
            {
                var groups = await admin.CheckedGroupsAsync(body.Groups, ct);
                await db.GroupMembers.Where(m => m.PersonId == person.Id).ExecuteDeleteAsync(ct);
                foreach (var g in groups) db.GroupMembers.Add(new GroupMember { GroupId = g.Id, PersonId = person.Id });
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            var log = logs.CreateLogger("ItsmWorkflows.Server.Identity.People");
            var fields = Changed(body);
            LogChanged(log, person.UserName!, fields, user.Identity!.Name!);
            // Someone switched off may have approvals nobody could take when it happened: a manager or delegate given now
            // takes them (before the delegate is asked on their behalf, which would then find nothing left).
            (int HandedOver, int Stranded)? handedOver = person.DisabledAt is not null && (body.Manager is not null || body.Delegate is not null)
                ? await switchedOff.HandOverAsync(person, user.Identity!.Name!, CancellationToken.None) : null;
            if (handedOver is { } counts && counts.HandedOver + counts.Stranded > 0) LogHandedOver(log, person.UserName!, user.Identity!.Name!, counts.HandedOver, counts.Stranded);
            await handover.ApplyAsync(person, previousDelegate, CancellationToken.None);
            return (await DirectoryAsync(db, person.Id, ct, accounts: true))[0] with { HandedOverApprovals = handedOver?.HandedOver, StrandedApprovals = handedOver?.Stranded };
        }).RequireAuthorization(Policies.Admin).WithSummary("Sets a person's display name, email, roles, manager, delegate, department and groups (a field left out stays; roles and groups are replaced whole). For a switched-off person, a manager or delegate given hands them the approvals still waiting on that person (handedOverApprovals, strandedApprovals).");

        app.MapGet("/api/groups", (ItsmDbContext db, CancellationToken ct) => GroupsAsync(db, null, ct)).WithTags("People").RequireAuthorization(Policies.SignedIn).WithSummary("Groups and their members.");
    }

    /// <summary>Groups (all, or the one with that id) with their members' user names and, beside them, display names.</summary>
    internal static async Task<List<GroupDto>> GroupsAsync(ItsmDbContext db, string? onlyId, CancellationToken ct)
    {
        var groups = await db.Groups.AsNoTracking().Where(g => onlyId == null || g.Id == onlyId).OrderBy(g => g.Name).ToListAsync(ct);
        var members = await db.GroupMembers.AsNoTracking().Where(m => onlyId == null || m.GroupId == onlyId)
            .Join(db.Users, m => m.PersonId, u => u.Id, (m, u) => new { m.GroupId, u.UserName, u.DisplayName }).ToListAsync(ct);
        return [.. groups.Select(g =>
        {
            var own = members.Where(m => m.GroupId == g.Id).OrderBy(m => m.UserName, StringComparer.Ordinal).ToList();
            return new GroupDto(g.Name, g.Description, [.. own.Select(m => m.UserName!)], [.. own.Select(m => string.IsNullOrWhiteSpace(m.DisplayName) ? m.UserName! : m.DisplayName)]);
        })];
    }

    private static async Task<Person> FindAsync(ItsmDbContext db, string userName, CancellationToken ct)
    {
        var normalized = userName.Trim().ToUpperInvariant();
        return await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, ct) ?? throw ProblemException.NotFound($"There is no person '{userName}'.");
    }

    private static async Task<string?> DelegateIdAsync(ItsmDbContext db, Person person, string? delegateName, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(delegateName)) return null;
        var chosen = await FindAsync(db, delegateName, ct);
        if (chosen.Id == person.Id) throw ProblemException.BadRequest("A person cannot be their own delegate.");
        return chosen.Id;
    }

    internal static async Task<List<DirectoryPersonDto>> DirectoryAsync(ItsmDbContext db, string? onlyId, CancellationToken ct, bool accounts = false)
    {
        var people = await db.Users.AsNoTracking().OrderBy(p => p.UserName).ToListAsync(ct);
        var names = people.ToDictionary(p => p.Id, p => p.UserName);
        var groups = await db.GroupMembers.AsNoTracking().Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { m.PersonId, g.Name }).ToListAsync(ct);
        var roles = accounts ? await db.UserRoles.AsNoTracking().Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name }).ToListAsync(ct) : [];
        return [.. people.Where(p => onlyId is null || p.Id == onlyId).Select(p => new DirectoryPersonDto(
            p.UserName!, p.DisplayName, p.Email, p.Department,
            p.ManagerId is { } m ? names.GetValueOrDefault(m) : null, p.DelegateId is { } d ? names.GetValueOrDefault(d) : null,
            [.. groups.Where(g => g.PersonId == p.Id).Select(g => g.Name).Order()],
            accounts ? [.. roles.Where(r => r.UserId == p.Id).Select(r => r.Name!).Order(StringComparer.Ordinal)] : null,
            accounts ? p.DisabledAt is not null : null))];
    }

    /// <summary>Which fields a change named, for the log (their values may be personal: the names only).</summary>
    private static string Changed(PersonUpdateRequest body) => string.Join(", ", new (string Name, object? Value)[]
    {
        ("displayName", body.DisplayName), ("email", body.Email), ("roles", body.Roles), ("manager", body.Manager),
        ("delegate", body.Delegate), ("department", body.Department), ("groups", body.Groups),
    }.Where(f => f.Value is not null).Select(f => f.Name));

    [LoggerMessage(Level = LogLevel.Information, Message = "Person {UserName} changed ({Fields}) by {Admin}")]
    private static partial void LogChanged(ILogger logger, string userName, string fields, string admin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Switched-off account {UserName} given a manager or delegate by {Admin}: {HandedOver} approvals waiting on them went to their manager or delegate, {Stranded} still wait on them with nobody to take them")]
    private static partial void LogHandedOver(ILogger logger, string userName, string admin, int handedOver, int stranded);
}
