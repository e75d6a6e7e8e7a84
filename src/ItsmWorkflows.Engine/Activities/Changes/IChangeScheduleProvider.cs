namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>
/// Port: the change calendar. The engine has no database, so the host answers from its change records and
/// freeze periods; without one, the in-memory schedule is used (empty unless something adds to it).
/// </summary>
public interface IChangeScheduleProvider
{
    ValueTask<ChangeScheduleConflicts> FindConflictsAsync(ChangeWindowQuery query, CancellationToken cancellationToken);
}
