using Microsoft.AspNetCore.Identity;

namespace ItsmWorkflows.Server.Data;

/// <summary>A person who signs in: requester, agent, approver, process owner or admin.</summary>
internal sealed class Person : IdentityUser
{
    public required string DisplayName { get; set; }

    public string? Department { get; set; }

    /// <summary>For hierarchical escalation and approvals that go to the manager.</summary>
    public string? ManagerId { get; set; }

    /// <summary>Who decides for this person while they are away.</summary>
    public string? DelegateId { get; set; }

    /// <summary>
    /// When an administrator switched the account off (someone who left, a compromised account): no sign-in, no API
    /// token, no live connection, until switched on again. Their tickets, approvals and history stay as they were.
    /// </summary>
    public DateTimeOffset? DisabledAt { get; set; }
}
