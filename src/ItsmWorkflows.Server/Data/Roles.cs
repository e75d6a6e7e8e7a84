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
}
