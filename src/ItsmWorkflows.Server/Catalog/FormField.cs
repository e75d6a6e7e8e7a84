namespace ItsmWorkflows.Server.Catalog;

/// <summary>
/// One field of a catalog item's form. Type: text, textarea, number, boolean, choice, date, email or user.
/// Choice takes <see cref="Options"/>; number takes <see cref="Min"/>/<see cref="Max"/>, and so does date, in days
/// from today (Min 0: not in the past); text takes
/// <see cref="MaxLength"/> and a <see cref="Pattern"/> (a .NET regular expression, run with a time limit).
/// </summary>
internal sealed record FormField(
    string Name,
    string Label,
    string Type = "text",
    bool Required = false,
    IReadOnlyList<string>? Options = null,
    decimal? Min = null,
    decimal? Max = null,
    int? MaxLength = null,
    string? Pattern = null,
    string? Help = null);
