using System.Text.RegularExpressions;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// People outside the directory are known by an email address (an external approver). Text a requester reads names
/// them as "an external approver", not by their address: the Liquid filter <c>people</c> does that to a list of names.
/// </summary>
public static partial class ExternalPeople
{
    public const string Named = "an external approver";

    /// <summary>Every email address in <paramref name="text"/> replaced by "an external approver".</summary>
    public static string Hide(string text) => Address().Replace(text ?? "", Named);

    /// <summary>An address inside free text, international domains too; a sentence's full stop after it is not part of it.</summary>
    [GeneratedRegex(@"[^\s<>""'(),;:@\[\]]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*")]
    public static partial Regex Address();
}
