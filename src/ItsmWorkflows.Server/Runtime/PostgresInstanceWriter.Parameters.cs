using System.Text.Json;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Npgsql;
using NpgsqlTypes;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>The parameters PostgresInstanceWriter's statements take: one array per column, sent with unnest.</summary>
internal static partial class PostgresInstanceWriter
{
    private static readonly string[] BookmarkArrayTypes = ["::text[]", "::text[]", "::text[]", "::text[]", "::timestamptz[]", "::timestamptz[]", "::text[]"];
    private static readonly string[] IncidentArrayTypes = ["::text[]", "::text[]", "::text[]", "::text[]", "::text[]", "::timestamptz[]", "::timestamptz[]"];
    private static readonly string[] JournalArrayTypes = ["::bigint[]", "::timestamptz[]", "::text[]", "::text[]", "::text[]", "::text[]", "::text[]", "::text[]"];

    private static void AddJournalArrays(NpgsqlParameterCollection p, IReadOnlyCollection<JournalEntry> journal)
    {
        p.Add(new NpgsqlParameter<long[]> { TypedValue = journal.Select(j => j.Sequence).ToArray() });
        p.Add(Times(journal.Select(j => (DateTimeOffset?)j.At)));
        p.Add(Texts(journal.Select(j => j.ActivityId)));
        p.Add(Texts(journal.Select(j => j.ActivityType)));
        p.Add(Texts(journal.Select(j => j.Event.ToString())));
        p.Add(Texts(journal.Select(j => j.Outcomes is null ? null : JsonSerializer.Serialize(j.Outcomes))));
        p.Add(Texts(journal.Select(j => j.Message)));
        p.Add(Texts(journal.Select(j => j.NodePath)));
    }

    private static void AddBookmarkArrays(NpgsqlParameterCollection p, IReadOnlyCollection<Bookmark> bookmarks)
    {
        p.Add(Texts(bookmarks.Select(b => b.Id)));
        p.Add(Texts(bookmarks.Select(b => b.ActivityId)));
        p.Add(Texts(bookmarks.Select(b => b.Name)));
        p.Add(Texts(bookmarks.Select(b => b.StimulusHash)));
        p.Add(Times(bookmarks.Select(b => b.DueAt)));
        p.Add(Times(bookmarks.Select(b => (DateTimeOffset?)b.CreatedAt)));
        p.Add(Texts(bookmarks.Select(b => b.Payload?.ToJsonString())));
    }

    private static void AddTimerArrays(NpgsqlParameterCollection p, IReadOnlyCollection<Bookmark> timers)
    {
        p.Add(Texts(timers.Select(t => t.Id)));
        p.Add(Times(timers.Select(t => t.DueAt)));
    }

    private static void AddIncidentArrays(NpgsqlParameterCollection p, IReadOnlyCollection<Incident> incidents)
    {
        p.Add(Texts(incidents.Select(i => i.Id)));
        p.Add(Texts(incidents.Select(i => i.ActivityId)));
        p.Add(Texts(incidents.Select(i => i.ActivityType)));
        p.Add(Texts(incidents.Select(i => i.Message)));
        p.Add(Texts(incidents.Select(i => i.Code)));
        p.Add(Times(incidents.Select(i => (DateTimeOffset?)i.At)));
        p.Add(Times(incidents.Select(i => i.ResolvedAt)));
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Jsonb(string value) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = value };

    // PostgreSQL's timestamptz is written from UTC instants only.
    private static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v.UtcDateTime : DBNull.Value };

    private static NpgsqlParameter Texts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    private static NpgsqlParameter Times(IEnumerable<DateTimeOffset?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = values.Select(v => v?.UtcDateTime).ToArray() };
}
