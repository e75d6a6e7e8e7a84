namespace ItsmWorkflows.Server.Data;

internal sealed class GroupMember
{
    public required string GroupId { get; init; }

    public required string PersonId { get; init; }
}
