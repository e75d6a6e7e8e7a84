using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Activities;

/// <summary>One input of an activity type, as the property panel shows it.</summary>
/// <param name="Name">The property name in the JSON (camelCase).</param>
/// <param name="TypeName">The value type from the closed type registry (String, Int32, Boolean, TimeSpan, Object, String[] …).</param>
/// <param name="UiHint">The editor to show: singleline, multiline, checkbox, dropdown, code-editor, json-editor, variable-picker, outcome-picker, datetime-picker, timespan.</param>
public sealed record InputDescriptor(string Name, string TypeName, string UiHint)
{
    public string DisplayName { get; init; } = Name.Length > 0 ? char.ToUpperInvariant(Name[0]) + Name[1..] : Name;

    public string Description { get; init; } = "";

    public bool IsRequired { get; init; }

    public JsonNode? DefaultValue { get; init; }

    /// <summary>Choices for a dropdown.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>The value must be one of <see cref="Options"/> (any case): a fixed value that is not is a validation error, not a fault at run time.</summary>
    public bool OnlyOptions { get; init; }

    /// <summary>The expression syntax the editor starts with (Literal unless the input is code).</summary>
    public string DefaultSyntax { get; init; } = "Literal";

    /// <summary>Whether the value is plain JSON on the activity rather than an <c>{typeName, expression}</c> wrapper.</summary>
    public bool IsWrapped { get; init; } = true;

    /// <summary>Whether the value is a name that refers to a variable (SetVariable's target).</summary>
    public bool IsVariableReference { get; init; }

    public string Category { get; init; } = "Input";
}
