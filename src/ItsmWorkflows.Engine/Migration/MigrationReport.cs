namespace ItsmWorkflows.Engine.Migration;

/// <summary>
/// What moving an instance to another version of its definition would do: the reasons it cannot (any one refuses the
/// whole move) and what changes for the instance when it can (variables added, activities already under way whose
/// inputs changed).
/// </summary>
public sealed record MigrationReport(int FromVersion, int ToVersion, IReadOnlyList<MigrationIssue> Blocking, IReadOnlyList<string> Notes)
{
    public bool CanMigrate => Blocking.Count == 0;
}
