namespace ItsmWorkflows.Server.Data;

/// <summary>The roles of the product; policies in Identity/Policies.cs decide what each may call.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string ProcessOwner = "process-owner";
    public const string Approver = "approver";
    public const string Agent = "agent";
    public const string Requester = "requester";

    public static readonly IReadOnlyList<string> All = [Admin, ProcessOwner, Approver, Agent, Requester];

    /// <summary>Who works tickets (as opposed to requesting or only approving them).</summary>
    public static readonly string[] Staff = [Agent, ProcessOwner, Admin];

    /// <summary>The ids of the people who hold a staff role, as a query to compose with others.</summary>
    public static IQueryable<string> StaffIds(ItsmDbContext db) =>
        db.UserRoles.Where(ur => db.Roles.Any(r => r.Id == ur.RoleId && Staff.Contains(r.Name!))).Select(ur => ur.UserId);
}
