using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ItsmWorkflows.Server.Catalog;

/// <summary>Checks a requester's answers against a catalog item's form; every problem is named by its field.</summary>
internal static class FormValidator
{
    public static readonly string[] Types = ["text", "textarea", "number", "boolean", "choice", "date", "email", "user"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<FormField> Parse(string json) => JsonSerializer.Deserialize<List<FormField>>(json, Json) ?? [];

    public static string Serialize(IReadOnlyList<FormField> form) => JsonSerializer.Serialize(form, Json);

    /// <summary>Problems in a form definition itself (for the catalog editor).</summary>
    public static List<string> CheckDefinition(IReadOnlyList<FormField> form)
    {
        var problems = new List<string>();
        foreach (var f in form)
        {
            if (string.IsNullOrWhiteSpace(f.Name) || !f.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) problems.Add($"Field name '{f.Name}' must be letters, digits or '_'.");
            if (!Types.Contains(f.Type)) problems.Add($"Field '{f.Name}' has type '{f.Type}'; use one of {string.Join(", ", Types)}.");
            if (f.Type == "choice" && (f.Options is null || f.Options.Count == 0)) problems.Add($"Choice field '{f.Name}' needs options.");
            if (f.Min is { } min && f.Max is { } max && min > max) problems.Add($"Field '{f.Name}' has a minimum ({min.ToString(CultureInfo.InvariantCulture)}) above its maximum ({max.ToString(CultureInfo.InvariantCulture)}): no answer could satisfy it.");
            if (f.Type == "date" && (f.Min is { } dmin && decimal.Truncate(dmin) != dmin || f.Max is { } dmax && decimal.Truncate(dmax) != dmax || f.Min is < -3650 or > 3650 || f.Max is < -3650 or > 3650))
            {
                problems.Add($"Field '{f.Name}' is a date: its minimum and maximum are whole days from today (0 is today), within ten years.");
            }
            if (f.MaxLength is <= 0) problems.Add($"Field '{f.Name}' has a maximum length of {f.MaxLength}: no answer could satisfy it.");
            if (f.Pattern is not null)
            {
                try
                {
                    _ = new Regex(f.Pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException)
                {
                    problems.Add($"Field '{f.Name}' has a pattern that is not a valid regular expression.");
                }
            }
        }
        foreach (var dup in form.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)) problems.Add($"Field '{dup.Key}' appears twice.");
        return problems;
    }

    /// <summary>The answers, normalized (numbers as numbers, booleans as booleans); or the errors per field.</summary>
    public static (JsonObject Answers, Dictionary<string, string[]> Errors) Validate(IReadOnlyList<FormField> form, JsonObject? answers) => Validate(form, answers, null);

    /// <summary>With <paramref name="today"/>, a date field's Min/Max (days from today) are checked too.</summary>
    public static (JsonObject Answers, Dictionary<string, string[]> Errors) Validate(IReadOnlyList<FormField> form, JsonObject? answers, DateOnly? today)
    {
        answers ??= [];
        var clean = new JsonObject();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, _) in answers)
        {
            if (!form.Any(f => string.Equals(f.Name, name, StringComparison.Ordinal))) errors[name] = ["This item's form has no such field."];
        }
        foreach (var field in form)
        {
            var value = answers[field.Name];
            // Every field takes one value: an object or a list would be stored, and emailed, as raw JSON.
            if (value is JsonObject or JsonArray)
            {
                errors[field.Name] = [$"{field.Label} takes a single value, not {(value is JsonArray ? "a list" : "an object")}."];
                continue;
            }
            var text = value is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;
            if (string.IsNullOrWhiteSpace(text) || (field.Type == "boolean" && value is JsonValue b && b.TryGetValue<bool>(out var flag) && !flag && field.Required))
            {
                if (field.Required) errors[field.Name] = [$"{field.Label} is required."];
                continue;
            }
            text = text.Trim();
            var error = Check(field, text, today, out var normalized);
            if (error is not null) errors[field.Name] = [error];
            else clean[field.Name] = normalized;
        }
        return (clean, errors);
    }

    /// <summary>
    /// A date field's Min and Max are days from today ("needed by" with Min 0 cannot be in the past). Today is the
    /// server's UTC date, with a day's grace below, so someone whose own date is still yesterday is not refused.
    /// </summary>
    private static string? CheckDateRange(FormField field, DateOnly date, DateOnly today)
    {
        if (field.Min is { } min && date < today.AddDays((int)min - 1))
        {
            return min == 0 ? $"{field.Label} cannot be in the past." : $"{field.Label} must be at least {min.ToString(CultureInfo.InvariantCulture)} day{(min == 1 ? "" : "s")} from today ({today.AddDays((int)min):yyyy-MM-dd} or later).";
        }
        if (field.Max is { } max && date > today.AddDays((int)max))
        {
            return $"{field.Label} must be at most {max.ToString(CultureInfo.InvariantCulture)} days from today ({today.AddDays((int)max):yyyy-MM-dd} or earlier).";
        }
        return null;
    }

    private static string? Check(FormField field, string text, DateOnly? today, out JsonNode? normalized)
    {
        normalized = text;
        switch (field.Type)
        {
            case "number":
                if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)) return $"{field.Label} must be a number.";
                if (field.Min is { } min && number < min) return $"{field.Label} must be at least {min.ToString(CultureInfo.InvariantCulture)}.";
                if (field.Max is { } max && number > max) return $"{field.Label} must be at most {max.ToString(CultureInfo.InvariantCulture)}.";
                normalized = number;
                return null;
            case "boolean":
                if (!bool.TryParse(text, out var flag)) return $"{field.Label} must be true or false.";
                normalized = flag;
                return null;
            case "choice":
                var option = field.Options?.FirstOrDefault(o => string.Equals(o, text, StringComparison.OrdinalIgnoreCase));
                if (option is null) return $"{field.Label} must be one of: {string.Join(", ", field.Options ?? [])}.";
                normalized = option;
                return null;
            case "date":
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return $"{field.Label} must be a date such as 2026-12-01.";
                normalized = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return today is { } now ? CheckDateRange(field, date, now) : null;
            case "email":
                if (!MailAddress.TryCreate(text, out _)) return $"{field.Label} must be an email address.";
                return null;
        }
        if (field.MaxLength is { } length && text.Length > length) return $"{field.Label} must be at most {length} characters.";
        if (field.Pattern is { } pattern)
        {
            try
            {
                if (!Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100))) return $"{field.Label} is not in the expected form.";
            }
            catch (RegexMatchTimeoutException)
            {
                return $"{field.Label} could not be checked; shorten it.";
            }
        }
        return null;
    }
}
