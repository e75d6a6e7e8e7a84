using ItsmWorkflows.Engine.Migration;

namespace ItsmWorkflows.Server.Instances;

/// <summary>
/// Moves an instance to <see cref="TargetVersion"/> (a published version of its definition). <see cref="ActivityMap"/>
/// maps activities renamed in the target (old id → new id); <see cref="DryRun"/> only reports.
/// </summary>
internal sealed record MigrateInstanceRequest(int TargetVersion, Dictionary<string, string>? ActivityMap, bool DryRun = false);

/// <summary>What a move did or would do: moved, or the reasons it cannot; and what changes for the instance.</summary>
internal sealed record MigrationDto(string InstanceId, int FromVersion, int ToVersion, bool CanMigrate, bool Migrated, IReadOnlyList<MigrationIssue> Issues, IReadOnlyList<string> Notes)
{
    /// <summary>The ticket whose process the instance is (INC…, CHG…, REQ…), when it is one: how people know it.</summary>
    public string? Ticket { get; init; }
}

/// <summary>A note on what a move changes (a waiting activity whose inputs the target changed), and for how many instances of a bulk move it holds.</summary>
internal sealed record MigrationNoteDto(string Note, int Instances);

/// <summary>
/// Moves every running instance of <see cref="FromVersion"/> that can move; as <see cref="MigrateInstanceRequest"/> otherwise.
/// At most <see cref="Limit"/> instances a call (default 1,000, at most 10,000), continuing after instance id <see cref="After"/>.
/// </summary>
internal sealed record MigrateInstancesRequest(int FromVersion, int TargetVersion, Dictionary<string, string>? ActivityMap, bool DryRun = false, int? Limit = null, string? After = null);

/// <summary>
/// A bulk move: how many running instances of the version were checked, how many moved (or could move, in a dry run),
/// what the move changes for them (<see cref="Notes"/>), and each one refused with its reasons (at most 100 listed; <see cref="Refused"/> counts them all). <see cref="Next"/>,
/// when the limit was reached, is the <c>after</c> of the next call.
/// </summary>
internal sealed record BulkMigrationDto(int FromVersion, int ToVersion, bool DryRun, int Checked, int Migrated, int Refused, IReadOnlyList<MigrationDto> RefusedInstances, string? Next)
{
    /// <summary>What the move changes for the instances that moved (or could), each note once with how many it holds for.</summary>
    public IReadOnlyList<MigrationNoteDto> Notes { get; init; } = [];
}
