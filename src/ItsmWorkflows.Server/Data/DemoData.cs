using ItsmWorkflows.Server.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Data;

/// <summary>Roles always; in the demo setup, people and groups to sign in as. Safe to run on every start.</summary>
internal sealed class DemoData(ItsmDbContext db, RoleManager<IdentityRole> roles, UserManager<Person> users, IOptions<DemoOptions> demo, IConfiguration configuration)
{
    private sealed record DemoPerson(string UserName, string DisplayName, string Department, string[] Roles, string[] Groups, string? Manager);

    private static readonly DemoPerson[] People =
    [
        new("erin", "Erin Admin", "IT Operations", [Data.Roles.Admin], [], null),
        new("dave", "Dave Owner", "IT Service Management", [Data.Roles.ProcessOwner, Data.Roles.Approver], ["Change Advisory Board"], "erin"),
        new("carol", "Carol Manager", "Finance", [Data.Roles.Approver, Data.Roles.Requester], ["Change Advisory Board"], "dave"),
        new("bob", "Bob Agent", "Service Desk", [Data.Roles.Agent], ["Service Desk"], "dave"),
        new("nina", "Nina Network", "Network Operations", [Data.Roles.Agent, Data.Roles.Approver], ["Network", "Change Advisory Board"], "dave"),
        new("alice", "Alice Requester", "Finance", [Data.Roles.Requester], [], "carol"),
        new("henry", "Henry Head", "IT Management", [Data.Roles.Approver], ["Management", "Emergency CAB"], "erin"),
        new("frank", "Frank Desktop", "Desktop Support", [Data.Roles.Agent], ["Desktop Support"], "henry"),
        new("grace", "Grace Engineer", "Network Engineering", [Data.Roles.Agent, Data.Roles.Approver], ["Network Engineering", "Emergency CAB"], "henry"),
        new("ivan", "Ivan Intake", "Service Desk", [Data.Roles.Agent], ["Service Desk"], "dave"),
        new("judy", "Judy Access", "Identity and Access", [Data.Roles.Agent], ["Identity & Access"], "henry"),
        new("kate", "Kate Sales", "Sales", [Data.Roles.Requester], [], "carol"),
    ];

    private static readonly (string Name, string Description)[] Groups =
    [
        ("Service Desk", "First line: takes every incident and request first."),
        ("Network", "Second line for network and connectivity."),
        ("Change Advisory Board", "Authorizes normal changes."),
        ("Emergency CAB", "Authorizes emergency changes at short notice."),
        ("Desktop Support", "Second line for laptops, desktops and end-user software."),
        ("Network Engineering", "Third line for the network: design, carriers, firewalls."),
        ("Identity & Access", "Accounts, groups and application access."),
        ("Management", "IT management: the top of hierarchical escalation."),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var role in Data.Roles.All)
        {
            if (!await roles.RoleExistsAsync(role)) Check(await roles.CreateAsync(new IdentityRole(role)));
        }
        await BootstrapAdminAsync();
        if (!demo.Value.Enabled) return;

        foreach (var (name, description) in Groups)
        {
            if (!await db.Groups.AnyAsync(g => g.Name == name, cancellationToken)) db.Groups.Add(new Group { Id = Guid.NewGuid().ToString("N"), Name = name, Description = description });
        }
        await db.SaveChangesAsync(cancellationToken);

        foreach (var p in People)
        {
            var person = await users.FindByNameAsync(p.UserName);
            if (person is not null) continue;
            person = new Person { UserName = p.UserName, DisplayName = p.DisplayName, Department = p.Department, Email = $"{p.UserName}@example.test", EmailConfirmed = true };
            Check(await users.CreateAsync(person));
            Check(await users.AddToRolesAsync(person, p.Roles));
            foreach (var groupName in p.Groups)
            {
                var group = await db.Groups.FirstAsync(g => g.Name == groupName, cancellationToken);
                db.GroupMembers.Add(new GroupMember { GroupId = group.Id, PersonId = person.Id });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        if (!await db.Calendars.AnyAsync(c => c.Name == "business-hours", cancellationToken))
        {
            db.Calendars.Add(new CalendarRecord { Name = "business-hours", Json = Calendars.CalendarEndpoints.DemoCalendar, UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "demo" });
            await db.SaveChangesAsync(cancellationToken);
        }
        await DemoCatalog.SeedAsync(db, cancellationToken);
        await DemoCatalog.SeedChangeTemplatesAsync(db, cancellationToken);
        foreach (var p in People.Where(p => p.Manager is not null))
        {
            var person = await users.FindByNameAsync(p.UserName);
            var manager = await users.FindByNameAsync(p.Manager!);
            if (person is null || manager is null || person.ManagerId == manager.Id) continue;
            person.ManagerId = manager.Id;
            Check(await users.UpdateAsync(person));
        }
    }

    /// <summary>Outside the demo, the first administrator comes from configuration (Bootstrap:AdminUserName and Bootstrap:AdminPassword).</summary>
    private async Task BootstrapAdminAsync()
    {
        var userName = configuration["Bootstrap:AdminUserName"];
        var password = configuration["Bootstrap:AdminPassword"];
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || await users.FindByNameAsync(userName) is not null) return;
        var admin = new Person { UserName = userName, DisplayName = userName, EmailConfirmed = true };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
        {
            throw new StartupConfigurationException($"Bootstrap:AdminUserName / Bootstrap:AdminPassword: the first administrator cannot be made: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }
        Check(await users.AddToRoleAsync(admin, Data.Roles.Admin));
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("Seeding people failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
