namespace ItsmWorkflows.Server.Data;

/// <summary>A team (service desk, network, change advisory board) that work and approvals are assigned to.</summary>
internal sealed class Group
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public List<GroupMember> Members { get; } = [];
}
