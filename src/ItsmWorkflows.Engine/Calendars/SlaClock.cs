using ItsmWorkflows.Engine.Execution;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Calendars;

/// <summary>A stretch of time the clock did not count (waiting on the customer, for instance); open while it lasts.</summary>
public sealed record SlaPause(DateTimeOffset From, DateTimeOffset? To);

/// <summary>A stretch of an SLA clock's life: "running", "paused" or "breached" (running past its target).</summary>
public sealed record SlaSegment(string State, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// A service-level clock: counts working time on its calendar from its start, except while paused,
/// against a target. Knows how far it is (percent), whether it breached, and when it will reach a
/// percentage if it keeps running.
/// </summary>
public sealed class SlaClock
{
    public required string Name { get; init; }

    public required TimeSpan Target { get; init; }

    public string Calendar { get; init; } = BusinessCalendar.AlwaysOpen.Name;

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? StoppedAt { get; set; }

    public List<SlaPause> Pauses { get; init; } = [];

    public bool IsPaused => Pauses.Count > 0 && Pauses[^1].To is null;

    public bool IsStopped => StoppedAt is not null;

    /// <summary>Stopped because the work was called off (its process cancelled): neither met nor breached, left out of attainment.</summary>
    public bool Cancelled { get; set; }

    public void Pause(DateTimeOffset now)
    {
        if (!IsPaused && !IsStopped) Pauses.Add(new SlaPause(now, null));
    }

    public void Resume(DateTimeOffset now)
    {
        if (IsPaused) Pauses[^1] = Pauses[^1] with { To = now };
    }

    public void Stop(DateTimeOffset now)
    {
        if (IsStopped) return;
        Resume(now);
        StoppedAt = now;
    }

    /// <summary>Stops the clock as called off (see <see cref="Cancelled"/>); a clock already stopped keeps its outcome.</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (IsStopped) return;
        Stop(now);
        Cancelled = true;
    }

    /// <summary>
    /// Reads a clock as its process left it: one whose process was cancelled is called off as of the process's end.
    /// Cancelling calls a process's clocks off as it stops them; processes cancelled before it did kept theirs
    /// running in their stored state, and read through this they count as called off too.
    /// </summary>
    public SlaClock SettledBy(WorkflowSubStatus process, DateTimeOffset? endedAt)
    {
        if (process == WorkflowSubStatus.Cancelled && endedAt is { } end) Cancel(end);
        return this;
    }

    /// <summary>
    /// Runs a stopped clock again (a resolved incident reopened): the time it stood stopped is recorded as a pause,
    /// so it neither counts nor hides that the clock ran before. A clock that is not stopped is left as it is.
    /// </summary>
    public void Reopen(DateTimeOffset now)
    {
        if (StoppedAt is not { } stopped) return;
        if (now > stopped) Pauses.Add(new SlaPause(stopped, now));
        StoppedAt = null;
    }

    /// <summary>Working time counted up to <paramref name="now"/> (or the stop).</summary>
    public TimeSpan Elapsed(BusinessCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var end = StoppedAt ?? now;
        var total = calendar.Between(StartedAt, end);
        foreach (var pause in Pauses) total -= calendar.Between(pause.From, pause.To ?? end);
        return total < TimeSpan.Zero ? TimeSpan.Zero : total;
    }

    public double Percent(BusinessCalendar calendar, DateTimeOffset now) => Target <= TimeSpan.Zero ? 100 : Elapsed(calendar, now) / Target * 100;

    public bool Breached(BusinessCalendar calendar, DateTimeOffset now) => Elapsed(calendar, now) >= Target;

    /// <summary>
    /// Where the clock stands: "cancelled" once called off, "breached" once past its target (stopped or not), "met" once
    /// stopped within it, else "paused" or "running".
    /// </summary>
    public string State(BusinessCalendar calendar, DateTimeOffset now) =>
        Cancelled ? "cancelled" : Breached(calendar, now) ? "breached" : IsStopped ? "met" : IsPaused ? "paused" : "running";

    /// <summary>
    /// When the clock reaches <paramref name="percent"/> of its target: the instant it did once reached (it stays put while
    /// time goes on, so a breached clock's due time is when it breached), else when it will if it keeps running; null while
    /// paused or once stopped short of it.
    /// </summary>
    public DateTimeOffset? WhenReaches(BusinessCalendar calendar, double percent, DateTimeOffset now)
    {
        var goal = Target * (percent / 100);
        var elapsed = Elapsed(calendar, now);
        if (elapsed >= goal) return ReachedAt(calendar, goal, now);
        if (IsStopped || IsPaused) return null;
        return calendar.Add(now, goal - elapsed);
    }

    /// <summary>The instant the counted working time reached <paramref name="goal"/>, walking the running stretches between the pauses.</summary>
    private DateTimeOffset ReachedAt(BusinessCalendar calendar, TimeSpan goal, DateTimeOffset now)
    {
        var end = StoppedAt ?? now;
        var counted = TimeSpan.Zero;
        var cursor = StartedAt;
        foreach (var pause in Pauses.OrderBy(p => p.From).Append(new SlaPause(end, end)))
        {
            var from = pause.From < cursor ? cursor : pause.From > end ? end : pause.From;
            if (from > cursor)
            {
                var worked = calendar.Between(cursor, from);
                if (counted + worked >= goal) return calendar.Add(cursor, goal - counted);
                counted += worked;
            }
            var to = pause.To is { } t && t < end ? t : end;
            if (to > cursor) cursor = to;
        }
        // Unreachable while Elapsed counts the same stretches; the stop (or now) is the latest the goal can have been reached.
        return end;
    }

    /// <summary>
    /// The clock's life as consecutive stretches: running, paused, and running past its target
    /// (breached), from its start to its stop or <paramref name="now"/>. The instant of breach is where
    /// the counted working time reached the target, so a breach inside a running stretch splits it.
    /// </summary>
    public IReadOnlyList<SlaSegment> Segments(BusinessCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var end = StoppedAt ?? now;
        var segments = new List<SlaSegment>();
        var counted = TimeSpan.Zero;
        var cursor = StartedAt;
        void Running(DateTimeOffset from, DateTimeOffset to)
        {
            if (to <= from) return;
            var worked = calendar.Between(from, to);
            if (counted >= Target) segments.Add(new SlaSegment("breached", from, to));
            else if (counted + worked < Target) segments.Add(new SlaSegment("running", from, to));
            else
            {
                var breachAt = calendar.Add(from, Target - counted);
                if (breachAt > from) segments.Add(new SlaSegment("running", from, breachAt));
                // Even at the instant of breach (no time past it yet) the breached stretch is there, so the breach shows.
                if (to >= breachAt) segments.Add(new SlaSegment("breached", breachAt, to));
            }
            counted += worked;
        }
        foreach (var pause in Pauses.OrderBy(p => p.From))
        {
            var from = pause.From < cursor ? cursor : pause.From;
            if (from > end) break;
            Running(cursor, from);
            var to = pause.To is { } t && t < end ? t : end;
            if (to > from) segments.Add(new SlaSegment("paused", from, to));
            cursor = to > cursor ? to : cursor;
        }
        Running(cursor, end);
        return segments;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Json)!.AsObject();

    public static SlaClock FromJson(JsonNode json) => json.Deserialize<SlaClock>(Json) ?? throw new JsonException("Not an SLA clock.");

    /// <summary>What the clock says now, for people and later activities.</summary>
    public JsonObject Report(BusinessCalendar calendar, DateTimeOffset now) => new()
    {
        ["name"] = Name,
        ["target"] = Target.ToString(),
        ["targetText"] = DurationText.Describe(Target, DurationText.IsWorkingTime(calendar)),
        ["calendar"] = Calendar,
        ["startedAt"] = StartedAt.ToString("O"),
        ["stoppedAt"] = StoppedAt?.ToString("O"),
        ["paused"] = IsPaused,
        ["elapsed"] = Elapsed(calendar, now).ToString(),
        ["percent"] = Math.Round(Percent(calendar, now), 1),
        ["breached"] = !Cancelled && Breached(calendar, now),
        ["cancelled"] = Cancelled,
        ["dueAt"] = WhenReaches(calendar, 100, now)?.ToString("O"),
        ["pauses"] = new JsonArray([.. Pauses.Select(p => (JsonNode?)new JsonObject { ["from"] = p.From.ToString("O"), ["to"] = p.To?.ToString("O") })]),
        ["segments"] = new JsonArray([.. Segments(calendar, now).Select(g => (JsonNode?)new JsonObject { ["state"] = g.State, ["from"] = g.From.ToString("O"), ["to"] = g.To.ToString("O") })]),
    };
}
