using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Tickets;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Identity;

/// <summary>The directory's changes that need Identity: adding people, their roles, switching accounts off, groups.</summary>
internal sealed partial class PeopleAdmin(ItsmDbContext db, UserManager<Person> users, TimeProvider time, Engine.Execution.WorkflowServices services, Mail.OutboxSignal outboxSignal,
    Approvals.SwitchedOffApprovals approvals, ILogger<PeopleAdmin> logger)
{
    public static async Task<Person> FindAsync(UserManager<Person> users, string userName) =>
        await users.FindByNameAsync(userName.Trim()) ?? throw ProblemException.NotFound($"There is no person '{userName}'.");

    public static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    public async Task<DirectoryPersonDto> AddAsync(NewPersonRequest body, string actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.UserName)) throw ProblemException.BadRequest("Give the person a user name ('userName': letters, digits and - . _ @ +).");
        if (string.IsNullOrWhiteSpace(body.DisplayName)) throw ProblemException.BadRequest("Give the person a display name ('displayName'), the name others read.");
        var roles = CheckedRoles(body.Roles ?? [Roles.Requester]);
        var groups = await CheckedGroupsAsync(body.Groups ?? [], ct);
        var manager = string.IsNullOrWhiteSpace(body.Manager) ? null : await FindAsync(users, body.Manager);
        if (await users.FindByNameAsync(body.UserName.Trim()) is not null) throw ProblemException.Conflict($"'{body.UserName.Trim()}' is already someone's user name.");
        var person = new Person
        {
            UserName = body.UserName.Trim(),
            DisplayName = body.DisplayName.Trim(),
            Email = string.IsNullOrWhiteSpace(body.Email) ? null : body.Email.Trim(),
            Department = string.IsNullOrWhiteSpace(body.Department) ? null : body.Department.Trim(),
            ManagerId = manager?.Id,
            LockoutEnabled = true,
        };
        // One transaction: a password the policy refuses, or a role that fails, leaves no half-made person behind.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = string.IsNullOrEmpty(body.Password) ? await users.CreateAsync(person) : await users.CreateAsync(person, body.Password);
        if (!created.Succeeded) throw ProblemException.BadRequest($"'{person.UserName}' cannot be added: {Describe(created)}");
        var withRoles = await users.AddToRolesAsync(person, roles);
        if (!withRoles.Succeeded) throw ProblemException.BadRequest(Describe(withRoles));
        foreach (var g in groups) db.GroupMembers.Add(new GroupMember { GroupId = g.Id, PersonId = person.Id });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var roleList = string.Join(", ", roles);
        LogAdded(logger, person.UserName, roleList, actor);
        return (await PeopleEndpoints.DirectoryAsync(db, person.Id, ct, accounts: true))[0];
    }

    /// <summary>Replaces a person's roles; taking one away ends their sessions (the stamp), so no copy keeps it.</summary>
    public async Task SetRolesAsync(Person person, IReadOnlyList<string> wanted, string actor)
    {
        var roles = CheckedRoles(wanted);
        var current = await users.GetRolesAsync(person);
        var removed = current.Except(roles, StringComparer.Ordinal).ToList();
        var added = roles.Except(current, StringComparer.Ordinal).ToList();
        if (removed.Contains(Roles.Admin)) await RequireAnotherAdminAsync(person, "lose the administrator role");
        if (removed.Count > 0) Check(await users.RemoveFromRolesAsync(person, removed));
        if (added.Count > 0) Check(await users.AddToRolesAsync(person, added));
        if (removed.Count > 0) Check(await users.UpdateSecurityStampAsync(person));
        if (removed.Count + added.Count > 0)
        {
            var roleList = string.Join(", ", roles);
            LogRoles(logger, person.UserName!, roleList, actor);
        }
    }

    /// <summary>
    /// Switches the account off or on. Switched off, the person's open tickets go back to their groups in the same
    /// transaction (the response's releasedTickets says how many), and then the approvals waiting on their decision go to
    /// their manager or delegate (handedOverApprovals; strandedApprovals for those nobody could take). Switched on again,
    /// they get none of it back. Switching off an account that is off already hands over again what still waits on it.
    /// </summary>
    public async Task<DirectoryPersonDto> SetDisabledAsync(string userName, bool disabled, string actor, CancellationToken ct)
    {
        var person = await FindAsync(users, userName);
        int? released = null;
        List<string>? leftEmpty = null;
        (int HandedOver, int Stranded)? handover = null;
        if (disabled && person.DisabledAt is null)
        {
            if (string.Equals(person.UserName, actor, StringComparison.OrdinalIgnoreCase)) throw ProblemException.Conflict("You cannot switch off your own account; another administrator can.");
            if (await users.IsInRoleAsync(person, Roles.Admin)) await RequireAnotherAdminAsync(person, "be switched off");
            var now = time.GetUtcNow();
            // One transaction: an account switched off with its tickets still on it, or tickets released from an account
            // that stayed on, would leave work nobody is told about.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            person.DisabledAt = now;
            // A new stamp ends the sessions and live connections it has (checked every Identity:SessionCheckInterval).
            // It saves the person first, so the groups' emails below already leave them out.
            Check(await users.UpdateSecurityStampAsync(person));
            var (count, emails) = await SwitchedOffWork.ReleaseAsync(db, person, actor, now, services, ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                throw ProblemException.Conflict($"One of {person.UserName}'s tickets changed at the same moment, so nothing was switched off; try again.");
            }
            await transaction.CommitAsync(ct);
            if (emails > 0) outboxSignal.Notify();
            released = count;
            LogDisabled(logger, person.UserName!, actor, count);
            // A group whose last switched-on member this was: its queue, its tasks' emails and its requesters' notes reach
            // nobody now. Said in the answer and the log, for the administrator to add someone.
            var personId = person.Id;
            leftEmpty = await db.Groups.Where(g => db.GroupMembers.Any(m => m.GroupId == g.Id && m.PersonId == personId)
                    && !db.GroupMembers.Any(m => m.GroupId == g.Id && m.PersonId != personId && db.Users.Any(u => u.Id == m.PersonId && u.DisabledAt == null)))
                .OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(ct);
            foreach (var group in leftEmpty) LogGroupLeftEmpty(logger, group, person.UserName!);
        }
        else if (!disabled && person.DisabledAt is not null)
        {
            person.DisabledAt = null;
            Check(await users.UpdateAsync(person));
            LogEnabled(logger, person.UserName!, actor);
        }
        if (disabled)
        {
            // checkpoint: the approvals are handed over once the switch-off is committed, each in its own workflow's commit
            // (a workflow cannot join that transaction). A crash in between leaves some waiting on the person; switching the
            // account off again (it is off already: only this runs) hands over what still waits. Run to its end even if the
            // caller goes away.
            handover = await approvals.HandOverAsync(person, actor, CancellationToken.None);
            if (handover.Value.HandedOver + handover.Value.Stranded > 0) LogHandedOver(logger, person.UserName!, actor, handover.Value.HandedOver, handover.Value.Stranded);
        }
        return (await PeopleEndpoints.DirectoryAsync(db, person.Id, ct, accounts: true))[0] with
        {
            ReleasedTickets = released,
            GroupsLeftEmpty = leftEmpty,
            HandedOverApprovals = handover?.HandedOver,
            StrandedApprovals = handover?.Stranded,
        };
    }

    public async Task<GroupDto> AddGroupAsync(GroupRequest body, string actor, CancellationToken ct)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name)) throw ProblemException.BadRequest("Give the group a name ('name').");
        if (await db.Groups.AnyAsync(g => g.Name == name, ct)) throw ProblemException.Conflict($"There is already a group '{name}'.");
        var group = new Group { Id = Guid.NewGuid().ToString("N"), Name = name, Description = string.IsNullOrWhiteSpace(body.Description) ? null : body.Description.Trim() };
        db.Groups.Add(group);
        foreach (var member in await MembersAsync(body.Members ?? [], ct)) db.GroupMembers.Add(new GroupMember { GroupId = group.Id, PersonId = member.Id });
        await db.SaveChangesAsync(ct);
        LogGroup(logger, name, actor);
        return await GroupAsync(group.Id, ct);
    }

    public async Task<GroupDto> UpdateGroupAsync(string name, GroupRequest body, string actor, CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Name == name, ct) ?? throw ProblemException.NotFound($"There is no group '{name}'.");
        if (body.Name is not null && !string.Equals(body.Name.Trim(), group.Name, StringComparison.Ordinal))
        {
            // Tickets, catalog items and workflow definitions find a group by its name: renamed, they would lose it.
            throw ProblemException.Conflict($"A group keeps its name: tickets, catalog items and workflows find '{group.Name}' by it. Add a new group and move the members and work instead.");
        }
        if (body.Description is not null) group.Description = body.Description.Trim().Length == 0 ? null : body.Description.Trim();
        if (body.Members is not null)
        {
            var members = await MembersAsync(body.Members, ct);
            await db.GroupMembers.Where(m => m.GroupId == group.Id).ExecuteDeleteAsync(ct);
            foreach (var member in members) db.GroupMembers.Add(new GroupMember { GroupId = group.Id, PersonId = member.Id });
        }
        await db.SaveChangesAsync(ct);
        LogGroup(logger, group.Name, actor);
        return await GroupAsync(group.Id, ct);
    }

    private async Task<GroupDto> GroupAsync(string id, CancellationToken ct) => (await PeopleEndpoints.GroupsAsync(db, id, ct))[0];

    private async Task<List<Person>> MembersAsync(IReadOnlyList<string> userNames, CancellationToken ct)
    {
        var normalized = userNames.Select(n => n.Trim().ToUpperInvariant()).Distinct().ToList();
        var found = await db.Users.Where(u => normalized.Contains(u.NormalizedUserName!)).ToListAsync(ct);
        var unknown = userNames.Where(n => !found.Any(f => string.Equals(f.NormalizedUserName, n.Trim().ToUpperInvariant(), StringComparison.Ordinal))).ToList();
        if (unknown.Count > 0) throw ProblemException.BadRequest($"Unknown people: {string.Join(", ", unknown)}.");
        return found;
    }

    /// <summary>The groups of these names; an unknown one is refused, naming it.</summary>
    public async Task<List<Group>> CheckedGroupsAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        var groups = await db.Groups.Where(g => names.Contains(g.Name)).ToListAsync(ct);
        var unknown = names.Except(groups.Select(g => g.Name)).ToList();
        if (unknown.Count > 0) throw ProblemException.BadRequest($"Unknown groups: {string.Join(", ", unknown)}.");
        return groups;
    }

    private static List<string> CheckedRoles(IReadOnlyList<string> wanted)
    {
        var unknown = wanted.Where(r => !Roles.All.Contains(r, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0) throw ProblemException.BadRequest($"Unknown roles: {string.Join(", ", unknown)}; the roles are {string.Join(", ", Roles.All)}.");
        return [.. wanted.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Refuses a change that would leave nobody able to sign in as an administrator.</summary>
    private async Task RequireAnotherAdminAsync(Person person, string what)
    {
        // One who can sign in: switched on, and with a password or a single sign-on login (one made without either
        // cannot, unless the demo is on).
        var admins = (await users.GetUsersInRoleAsync(Roles.Admin)).Where(p => p.Id != person.Id && p.DisabledAt is null).ToList();
        var others = 0;
        foreach (var admin in admins)
        {
            if (admin.PasswordHash is not null || (await users.GetLoginsAsync(admin)).Count > 0) others++;
        }
        if (others == 0) throw ProblemException.Conflict($"{person.UserName} is the only administrator who can sign in, so they cannot {what}; make someone else an administrator first.");
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw ProblemException.BadRequest(Describe(result));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{UserName} added with roles {Roles} by {Admin}")]
    private static partial void LogAdded(ILogger logger, string userName, string roles, string admin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Roles of {UserName} set to {Roles} by {Admin}")]
    private static partial void LogRoles(ILogger logger, string userName, string roles, string admin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {UserName} switched off by {Admin}; {Released} open tickets assigned to them went back to their groups")]
    private static partial void LogDisabled(ILogger logger, string userName, string admin, int released);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Switched-off account {UserName} ({Admin}): {HandedOver} approvals waiting on them went to their manager or delegate, {Stranded} still wait on them with nobody to take them")]
    private static partial void LogHandedOver(ILogger logger, string userName, string admin, int handedOver, int stranded);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserName} switched on again by {Admin}")]
    private static partial void LogEnabled(ILogger logger, string userName, string admin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group} changed by {Admin}")]
    private static partial void LogGroup(ILogger logger, string group, string admin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group {Group} has nobody switched on in it now that {UserName} is switched off: its work and mail reach nobody until someone is added")]
    private static partial void LogGroupLeftEmpty(ILogger logger, string group, string userName);
}
