using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// The ticket list's q=: every word must be found, in any case, in the number, the title, the description, a request's
/// form answers, or the requester's or assignee's display name or user name. One SQL query on both databases: lower()
/// on both sides (SQLite's is .NET's folding, SqliteUnicodeLower), and the people's names joined as they are now, so a
/// person renamed is found by the new name at once.
/// </summary>
internal static class TicketSearch
{
    public const int MaxLength = 200;

    public const int MaxWords = 20;

    /// <summary>The tickets among <paramref name="tickets"/> (already narrowed to what the caller may see) that every word of <paramref name="search"/> matches.</summary>
    public static IQueryable<TicketRecord> Matching(IQueryable<TicketRecord> tickets, IQueryable<Person> people, string search)
    {
        if (search.Length > MaxLength) throw ProblemException.BadRequest($"Search for at most {MaxLength} characters.");
        // "vpn drops" finds "VPN drops every five minutes" and "the VPN ... drops"; "performance carol" finds Carol's
        // request for a Performance 16" laptop.
        var words = search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > MaxWords) throw ProblemException.BadRequest($"Search for at most {MaxWords} words ({words.Length} were given).");
        foreach (var word in words)
        {
            var lower = word.ToLowerInvariant();
#pragma warning disable CA1862, CA1304, CA1311 // StringComparison overloads do not translate to SQL; lower() does, on both databases.
            tickets = tickets.Where(t => t.Number.ToLower().Contains(lower) || t.Title.ToLower().Contains(lower)
                || (t.Description != null && t.Description.ToLower().Contains(lower))
                || (t.AnswersText != null && t.AnswersText.ToLower().Contains(lower))
                || (t.Requester != null && t.Requester.ToLower().Contains(lower))
                || (t.Assignee != null && t.Assignee.ToLower().Contains(lower))
                || people.Any(p => (p.UserName == t.Requester || p.UserName == t.Assignee) && p.DisplayName.ToLower().Contains(lower)));
#pragma warning restore CA1862, CA1304, CA1311
        }
        return tickets;
    }

    /// <summary>
    /// What search reads of a request's form answers: the values people typed or chose (text, numbers, dates, choices),
    /// one a line so that no word spans two; not the field names, and not a checkbox's true or false, which every
    /// request with that box has. Null when there is nothing to search. The migration AnswersText backfills the same.
    /// </summary>
    public static string? AnswersText(JsonObject answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var values = answers.Select(a => a.Value).OfType<JsonValue>()
            .Select(v => v.GetValueKind() switch
            {
                JsonValueKind.String => v.GetValue<string>(),
                JsonValueKind.Number => v.ToJsonString(),
                _ => null,
            })
            .Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
        return values.Count == 0 ? null : string.Join('\n', values);
    }
}
