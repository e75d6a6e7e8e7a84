namespace ItsmWorkflows.Engine.Activities.Approvals;

/// <summary>A person who can decide an approval, with who decides for them while away and who they report to.</summary>
public sealed record ApproverInfo(string UserName, string DisplayName, string? Email, ApproverInfo? Delegate = null, ApproverInfo? Manager = null);

/// <summary>
/// Port: turns the approvers an activity names ("carol", "group:cab", "carol@example.org") into people.
/// The host resolves against its directory; without one, each entry is taken as a user name (an entry
/// with an @ is also its email address).
/// </summary>
public interface IApproverDirectory
{
    ValueTask<IReadOnlyList<ApproverInfo>> ResolveAsync(IReadOnlyList<string> approvers, CancellationToken cancellationToken);
}

/// <summary>The directory of the engine on its own: names are taken as they are.</summary>
public sealed class LiteralApproverDirectory : IApproverDirectory
{
    public static LiteralApproverDirectory Instance { get; } = new();

    public ValueTask<IReadOnlyList<ApproverInfo>> ResolveAsync(IReadOnlyList<string> approvers, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ApproverInfo>>([.. approvers.Select(a => new ApproverInfo(a, a, a.Contains('@', StringComparison.Ordinal) ? a : null))]);
}
