namespace ItsmWorkflows.Engine.Activities;

/// <summary>One output of an activity type; a definition binds it to a variable or a workflow output.</summary>
public sealed record OutputDescriptor(string Name, string TypeName)
{
    public string DisplayName { get; init; } = Name.Length > 0 ? char.ToUpperInvariant(Name[0]) + Name[1..] : Name;

    public string Description { get; init; } = "";
}
