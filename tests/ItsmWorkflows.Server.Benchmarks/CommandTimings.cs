using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>
/// Where each request's time went, from the server's own tracing (the "Microsoft.AspNetCore" and "Npgsql" activity
/// sources): the request in the server, the database commands it ran (how many, how long each took from the client's
/// side: send, execute, commit, answer), the server's work before the first command and after the last. Only commands
/// run inside a request count (the benchmark's requests run one at a time; Hangfire's polling runs outside any request).
/// </summary>
internal sealed class CommandTimings : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _commands = new();
    private readonly ConcurrentQueue<Activity> _serverRequests = new();
    private readonly List<Request> _requests = [];

    private sealed record Request(double Server, double Before, double After, List<(string Kind, double Ms)> Commands);

    public CommandTimings()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Microsoft.AspNetCore") _serverRequests.Enqueue(activity);
                else if (activity.Parent is not null) _commands.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private static string Kind(Activity command)
    {
        var statement = command.GetTagItem("db.query.text") as string ?? command.GetTagItem("db.statement") as string ?? command.DisplayName;
        var words = statement.TrimStart().Split([' ', '\n', '(', '"'], 4, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(3));
    }

    /// <summary>Closes the request just answered: everything traced since the last call belongs to it.</summary>
    public void EndRequest()
    {
        var commands = new List<Activity>();
        while (_commands.TryDequeue(out var c)) commands.Add(c);
        Activity? server = null;
        while (_serverRequests.TryDequeue(out var r)) server = r;
        if (server is null) return;
        var serverEnd = server.StartTimeUtc + server.Duration;
        var before = commands.Count == 0 ? double.NaN : (commands.Min(c => c.StartTimeUtc) - server.StartTimeUtc).TotalMilliseconds;
        var after = commands.Count == 0 ? double.NaN : (serverEnd - commands.Max(c => c.StartTimeUtc + c.Duration)).TotalMilliseconds;
        _requests.Add(new Request(server.Duration.TotalMilliseconds, before, after, commands.Select(c => (Kind(c), c.Duration.TotalMilliseconds)).ToList()));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    public string Describe()
    {
        if (_requests.Count == 0) return "no requests traced";
        var byKind = _requests.SelectMany(r => r.Commands).GroupBy(c => c.Kind)
            .Select(g => (g.Key, Count: g.Count() / (double)_requests.Count, P50: Median(g.Select(c => c.Ms))))
            .Where(k => k.Count >= 0.05)
            .OrderByDescending(k => k.Count * k.P50);
        return string.Create(CultureInfo.InvariantCulture,
                $"in the server p50 {Median(_requests.Select(r => r.Server)):0.00} ms: before the first database command {Median(_requests.Select(r => r.Before)):0.00} ms, after the last {Median(_requests.Select(r => r.After)):0.00} ms; database commands p50 {Median(_requests.Select(r => (double)r.Commands.Count)):0}, their time p50 {Median(_requests.Select(r => r.Commands.Sum(c => c.Ms))):0.00} ms: ")
            + string.Join("; ", byKind.Select(k => string.Create(CultureInfo.InvariantCulture, $"'{k.Key}' ×{k.Count:0.##} p50 {k.P50:0.00} ms")));
    }

    public void Dispose() => _listener.Dispose();
}
