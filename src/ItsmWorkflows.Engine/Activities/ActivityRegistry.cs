namespace ItsmWorkflows.Engine.Activities;

/// <summary>
/// The closed set of activity types a definition may use, by type name. JSON never names a CLR type:
/// a type that is not registered loads as a placeholder that validation reports and publishing refuses.
/// </summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, IActivity> _activities = new(StringComparer.Ordinal);

    public void Register(IActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        _activities[activity.Descriptor.TypeName] = activity;
    }

    public bool TryGet(string typeName, out IActivity activity) => _activities.TryGetValue(typeName, out activity!);

    public IReadOnlyCollection<ActivityDescriptor> Descriptors => [.. _activities.Values.Select(a => a.Descriptor).OrderBy(d => d.Category).ThenBy(d => d.DisplayName)];

    /// <summary>A registry with every built-in (Elsa-compatible) activity.</summary>
    public static ActivityRegistry CreateDefault()
    {
        var registry = new ActivityRegistry();
        BuiltInActivities.RegisterAll(registry);
        return registry;
    }
}
