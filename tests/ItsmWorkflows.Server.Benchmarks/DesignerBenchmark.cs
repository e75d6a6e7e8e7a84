using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>
/// The designer in headless Chromium against the real server process: time until a generated 200- and
/// 1,000-activity workflow is on the canvas and answers a click, next to opening an empty workflow (the
/// app's own fixed cost) in the same run; frame times while panning the 1,000; the bundle's size.
/// Usage: dotnet run -c Release --project tests/ItsmWorkflows.Server.Benchmarks -- designer
/// </summary>
internal static class DesignerBenchmark
{
    private const int Runs = 5;

    public static async Task RunAsync(string repo, bool profile = false)
    {
        var chromium = Environment.GetEnvironmentVariable("ITSM_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException("The designer benchmark needs Chromium: apt-get install -y chromium (or set ITSM_CHROMIUM).");
        var assets = Path.Combine(repo, "src", "ItsmWorkflows.Server", "wwwroot", "designer", "assets");
        // What opening the designer loads (the entry chunk the page names) and what loads later, on demand (portal, code editor, live updates).
        var page = File.ReadAllText(Path.Combine(repo, "src", "ItsmWorkflows.Server", "wwwroot", "designer", "index.html"));
        var entry = Directory.GetFiles(assets, "*.js").Where(f => page.Contains(Path.GetFileName(f), StringComparison.Ordinal)).ToArray();
        var onDemand = Directory.GetFiles(assets, "*.js").Except(entry).ToArray();
        Console.WriteLine($"bundle: JavaScript loaded to open {Size(entry)}, loaded on demand {Size(onDemand)}; CSS {Size(Directory.GetFiles(assets, "*.css"))}");

        var port = FreePort();
        var database = Path.Combine(Path.GetTempPath(), $"itsm-designer-bench-{Guid.NewGuid():N}.db");
        var info = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "ItsmWorkflows.Server.dll"))
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Path.Combine(repo, "src", "ItsmWorkflows.Server"),
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Database__SqlitePath"] = database;
        info.Environment["Demo__Enabled"] = "true";
        info.Environment["Workflows__Path"] = Path.Combine(repo, "workflows");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        using var server = Process.Start(info)!;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            var baseUrl = $"http://127.0.0.1:{port}";
            await WaitReadyAsync(baseUrl);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
            await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1280, Height = 800 } });
            (await context.APIRequest.PostAsync("/account/demo-sign-in", new() { DataObject = new { userName = "dave" } })).EnsureOk();
            foreach (var n in new[] { 0, 200, 1000 }) await CreateAsync(context, n);

            await WarmServerAsync(context);
            if (profile)
            {
                await ProfileAsync(context, 200);
                await TraceAsync(context, 200);
                return;
            }
            var empty = await OpenAsync(context, 0);
            Console.WriteLine($"open an empty workflow (baseline, the app's own cost): median {empty:0} ms over {Runs} runs");
            var two = await OpenAsync(context, 200);
            Console.WriteLine($"open 200 activities until on the canvas and answering a click: median {two:0} ms   ratio to empty {two / empty:0.0}   (goal < 1000 ms: {(two < 1000 ? "met" : "NOT met")})");
            var thousand = await OpenAsync(context, 1000);
            Console.WriteLine($"open 1,000 activities until on the canvas and answering a click: median {thousand:0} ms   ratio to empty {thousand / empty:0.0}   (goal < 3000 ms: {(thousand < 3000 ? "met" : "NOT met")})");
            var (mean, p95) = await PanAsync(context, 1000);
            Console.WriteLine($"panning 1,000 activities: mean frame {mean:0.0} ms, p95 {p95:0.0} ms (60 fps = 16.7 ms)");
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            foreach (var f in new[] { database, database + "-wal", database + "-shm" }) File.Delete(f);
        }
    }

    /// <summary>A chain of n Write Line activities on a grid, each connected to the next.</summary>
    private static async Task CreateAsync(IBrowserContext context, int n)
    {
        var activities = new JsonArray();
        var connections = new JsonArray();
        for (var i = 0; i < n; i++)
        {
            activities.Add(new JsonObject
            {
                ["id"] = $"A{i}", ["type"] = "Elsa.WriteLine", ["name"] = $"Step {i}",
                ["text"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = $"step {i}" } },
                ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = i % 25 * 260, ["y"] = i / 25 * 140 } } },
            });
            if (i > 0) connections.Add(new JsonObject { ["source"] = new JsonObject { ["activity"] = $"A{i - 1}", ["port"] = "Done" }, ["target"] = new JsonObject { ["activity"] = $"A{i}", ["port"] = "In" } });
        }
        var definition = new JsonObject
        {
            ["definitionId"] = $"bench-{n}", ["name"] = $"Benchmark {n}",
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["id"] = "F", ["activities"] = activities, ["connections"] = connections },
        };
        (await context.APIRequest.PostAsync("/api/definitions", new() { DataObject = JsonSerializer.Deserialize<JsonElement>(definition.ToJsonString()) })).EnsureOk();
    }

    /// <summary>
    /// Warms the server (not the browser) the way one that has been up a while is: an open of each workflow tells
    /// which requests the page makes, and each is then answered 150 times, enough for the JIT to promote those
    /// paths. Cold, the server's answers took about 400 ms of a 200-activity open on this machine.
    /// </summary>
    private static async Task WarmServerAsync(IBrowserContext context)
    {
        var calls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in new[] { 0, 200, 1000 })
        {
            var page = await context.NewPageAsync();
            page.Request += (_, request) =>
            {
                // The API calls and the page itself; the hashed assets are the browser's to cache.
                if (request.Method == "GET" && request.Url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) && !request.Url.Contains("/assets/", StringComparison.Ordinal)) lock (calls) calls.Add(request.Url);
            };
            await page.GotoAsync($"/designer/#/definitions/bench-{n}");
            await page.GetByTestId("version-state").WaitForAsync(new() { Timeout = 60_000 });
            await page.CloseAsync();
        }
        for (var i = 0; i < 150; i++)
        {
            foreach (var url in calls) (await context.APIRequest.GetAsync(url)).EnsureOk();
        }
        Console.WriteLine($"server warmed: the {calls.Count} requests of an open (page and API), each answered 150 times");
    }

    /// <summary>Milliseconds from navigation to every node rendered and a click on one selecting it (median of the runs).</summary>
    private static async Task<double> OpenAsync(IBrowserContext context, int n)
    {
        var times = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            var page = await context.NewPageAsync();
            // When the test's click reaches the page, on the page's clock: splits "on the canvas" from "answering a click".
            await page.AddInitScriptAsync("document.addEventListener('pointerdown', () => performance.mark('itsm:pointerdown'), true)");
            var sw = Stopwatch.StartNew();
            await page.GotoAsync($"/designer/#/definitions/bench-{n}");
            if (n == 0)
            {
                await page.GetByTestId("version-state").WaitForAsync();
            }
            else
            {
                // On the canvas: every activity is in React Flow's graph (only those in view are drawn), the start is drawn.
                await page.WaitForFunctionAsync($"document.querySelector('[data-testid=canvas]')?.dataset.nodes === '{n}'", null, new() { Timeout = 60_000, PollingInterval = 10 });
                await page.GetByTestId("node-A0").ClickAsync();
                await page.GetByRole(AriaRole.Textbox, new() { Name = "Activity name" }).WaitForAsync();
            }
            times.Add(sw.Elapsed.TotalMilliseconds);
            if (run == Runs - 1 && n > 0)
            {
                // Where the time went in the page, from its own clock (0 = navigation start).
                var breakdown = await page.EvaluateAsync<string>("""
                    () => {
                      const nav = performance.getEntriesByType('navigation')[0];
                      const api = performance.getEntriesByType('resource').filter(r => r.name.includes('/api/'));
                      const f = (x) => Math.round(x);
                      const marks = performance.getEntriesByType('mark').filter(m => m.name.startsWith('itsm:')).map(m => m.name.slice(5) + ' ' + f(m.startTime)).join(', ');
                      return `page ${f(nav.responseEnd)} ms, scripts run ${f(nav.domContentLoadedEventEnd)} ms, API answered ${api.map(r => r.name.split('/api/')[1].split('?')[0] + ' ' + f(r.responseEnd)).join(', ')} ms; ${marks}; clicked and selected ${f(performance.now())} ms`;
                    }
                    """);
                Console.WriteLine($"  {n} activities, last open: {breakdown}");
                // The same click once the page is idle: how much of the figure is the test driver's own round trips
                // (locate, wait for a stable element, hit-test, dispatch) rather than the page.
                await page.EvaluateAsync("() => new Promise(done => requestIdleCallback(() => done(), { timeout: 1000 }))");
                var click = Stopwatch.StartNew();
                await page.GetByTestId("node-A1").ClickAsync();
                await page.WaitForFunctionAsync("() => document.querySelector('input[aria-label=\"Activity name\"]')?.value === 'Step 1'", null, new() { PollingInterval = 10 });
                Console.WriteLine($"  a click on another activity of the open, idle page, until it is selected: {click.Elapsed.TotalMilliseconds:0} ms (the test driver's round trips and the page's answer)");
            }
            await page.CloseAsync();
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// A CPU profile of one open (after two warm ones), from Chromium's own profiler: the functions that took the
    /// most time themselves. Build the web app unminified first (npx vite build --minify false) to read the names.
    /// </summary>
    private static async Task ProfileAsync(IBrowserContext context, int n)
    {
        await OpenAsync(context, n);
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 200 });
        await cdp.SendAsync("Profiler.start");
        await page.GotoAsync($"/designer/#/definitions/bench-{n}");
        await page.WaitForFunctionAsync($"document.querySelector('[data-testid=canvas]')?.dataset.nodes === '{n}'", null, new() { Timeout = 60_000, PollingInterval = 10 });
        await page.GetByTestId("node-A0").ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Activity name" }).WaitForAsync();
        var result = await cdp.SendAsync("Profiler.stop");
        var profile = result!.Value.GetProperty("profile");
        var nodes = profile.GetProperty("nodes").EnumerateArray().ToDictionary(x => x.GetProperty("id").GetInt32());
        var samples = profile.GetProperty("samples").EnumerateArray().Select(x => x.GetInt32()).ToList();
        var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(x => x.GetInt64()).ToList();
        var self = new Dictionary<string, double>();
        for (var i = 0; i < samples.Count; i++)
        {
            var frame = nodes[samples[i]].GetProperty("callFrame");
            var url = frame.GetProperty("url").GetString() ?? "";
            var key = $"{frame.GetProperty("functionName").GetString()} {Path.GetFileName(url)}:{frame.GetProperty("lineNumber").GetInt32()}";
            self[key] = self.GetValueOrDefault(key) + (i + 1 < deltas.Count ? deltas[i + 1] : 0) / 1000.0;
        }
        var total = self.Values.Sum();
        Console.WriteLine($"profile of one open of {n} activities: {total:0} ms sampled");
        foreach (var (key, ms) in self.OrderByDescending(p => p.Value).Take(30)) Console.WriteLine($"{ms,8:0.0} ms  {key}");
        // Inclusive time: each sample counts for every function on its stack (once per function), which names the
        // components and calls that the work happens under.
        var parent = new Dictionary<int, int>();
        foreach (var node in nodes.Values)
        {
            if (!node.TryGetProperty("children", out var children)) continue;
            foreach (var child in children.EnumerateArray()) parent[child.GetInt32()] = node.GetProperty("id").GetInt32();
        }
        string Key(int id)
        {
            var frame = nodes[id].GetProperty("callFrame");
            return $"{frame.GetProperty("functionName").GetString()} {Path.GetFileName(frame.GetProperty("url").GetString() ?? "")}:{frame.GetProperty("lineNumber").GetInt32()}";
        }
        var inclusive = new Dictionary<string, double>();
        for (var i = 0; i < samples.Count; i++)
        {
            var ms = (i + 1 < deltas.Count ? deltas[i + 1] : 0) / 1000.0;
            var seen = new HashSet<string>();
            for (var id = samples[i]; ; id = parent[id])
            {
                var key = Key(id);
                if (seen.Add(key)) inclusive[key] = inclusive.GetValueOrDefault(key) + ms;
                if (!parent.ContainsKey(id)) break;
            }
        }
        Console.WriteLine("inclusive:");
        foreach (var (key, ms) in inclusive.OrderByDescending(p => p.Value).Take(60)) Console.WriteLine($"{ms,8:0.0} ms  {key}");
        // React components are the functions named with a capital: what each one's rendering cost, its children included.
        Console.WriteLine("inclusive, components only:");
        foreach (var (key, ms) in inclusive.Where(p => p.Key.Length > 0 && char.IsUpper(p.Key[0])).OrderByDescending(p => p.Value).Take(30)) Console.WriteLine($"{ms,8:0.0} ms  {key}");
        // The same, per burst of work (samples not idle, split where the page idled for 3 ms or more): which
        // functions each long stretch of script ran under, in the order they happened.
        Console.WriteLine("bursts of 20 ms or more (start from the profile's start, length; largest inclusive functions):");
        var clock = 0.0;
        var burst = new Dictionary<string, double>();
        double burstStart = 0, burstEnd = 0, idle = 0;
        void Flush()
        {
            if (burstEnd - burstStart >= 20)
            {
                var generic = new HashSet<string>(["(root)", "(program)"]);
                var top = burst.Where(p => !generic.Contains(p.Key.Split(' ')[0])).OrderByDescending(p => p.Value).Take(14);
                Console.WriteLine($"{burstStart,8:0} ms {burstEnd - burstStart,5:0} ms: " + string.Join("; ", top.Select(p => $"{p.Key} {p.Value:0}")));
            }
            burst.Clear();
        }
        for (var i = 0; i < samples.Count; i++)
        {
            var ms = (i + 1 < deltas.Count ? deltas[i + 1] : 0) / 1000.0;
            clock += deltas[i] / 1000.0;
            var leaf = nodes[samples[i]].GetProperty("callFrame").GetProperty("functionName").GetString();
            if (leaf is "(idle)")
            {
                idle += ms;
                continue;
            }
            if (idle >= 3 || burst.Count == 0)
            {
                Flush();
                burstStart = clock;
            }
            idle = 0;
            burstEnd = clock + ms;
            var seen = new HashSet<string>();
            for (var id = samples[i]; ; id = parent[id])
            {
                var key = Key(id);
                if (seen.Add(key)) burst[key] = burst.GetValueOrDefault(key) + ms;
                if (!parent.ContainsKey(id)) break;
            }
        }
        Flush();
    }

    /// <summary>
    /// One open under Chromium's tracing: where the renderer's main thread spent it, by kind of work (style, layout,
    /// paint, script), top-level tasks only, so nothing is counted twice. The JavaScript profile above shows the
    /// browser's own work as "(program)"; this splits it.
    /// </summary>
    private static readonly string[] TraceCategories = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink", "loading", "toplevel"];

    private static async Task TraceAsync(IBrowserContext context, int n)
    {
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        var collected = new List<System.Text.Json.JsonElement>();
        var complete = new TaskCompletionSource();
        cdp.Event("Tracing.dataCollected").OnEvent += (_, data) =>
        {
            if (data is { } d) lock (collected) collected.AddRange(d.GetProperty("value").EnumerateArray().Select(e => e.Clone()));
        };
        cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
        await cdp.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["transferMode"] = "ReportEvents",
            ["traceConfig"] = new Dictionary<string, object> { ["includedCategories"] = TraceCategories },
        });
        await page.GotoAsync($"/designer/#/definitions/bench-{n}");
        await page.WaitForFunctionAsync($"document.querySelector('[data-testid=canvas]')?.dataset.nodes === '{n}'", null, new() { Timeout = 60_000, PollingInterval = 10 });
        await page.GetByTestId("node-A0").ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Activity name" }).WaitForAsync();
        Console.WriteLine("drawn: " + await page.EvaluateAsync<string>("() => `${document.querySelectorAll('.react-flow__node').length} nodes, ${document.querySelectorAll('.react-flow__edge').length} edges, ${document.querySelectorAll('.react-flow__minimap-node').length} minimap nodes, ${document.querySelectorAll('*').length} elements`"));
        await cdp.SendAsync("Tracing.end");
        await complete.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var events = collected;
        // The renderer's main thread: the one named CrRendererMain in the page's process with the most work.
        var mains = new HashSet<(int, int)>();
        foreach (var e in events)
        {
            if (e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "thread_name"
                && e.GetProperty("args").GetProperty("name").GetString() == "CrRendererMain")
            {
                mains.Add((e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32()));
            }
        }
        var byName = new Dictionary<string, double>();
        var perThread = new Dictionary<(int, int), List<(double Start, double End, string Name)>>();
        foreach (var e in events)
        {
            if (e.GetProperty("ph").GetString() != "X" || !e.TryGetProperty("dur", out var dur)) continue;
            var key = (e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32());
            if (!mains.Contains(key)) continue;
            var start = e.GetProperty("ts").GetDouble();
            if (!perThread.TryGetValue(key, out var list)) perThread[key] = list = [];
            list.Add((start, start + dur.GetDouble(), e.GetProperty("name").GetString() ?? "?"));
        }
        var busiest = perThread.OrderByDescending(p => p.Value.Count).First().Value.OrderBy(x => x.Start).ThenByDescending(x => x.End).ToList();
        // Self time by name: each event's duration less its children's, so nested work is counted once, where it was done.
        var stack = new Stack<(double Start, double End, string Name, double Children)>();
        double total = 0;
        var tasks = 0;
        void Pop()
        {
            var done = stack.Pop();
            byName[done.Name] = byName.GetValueOrDefault(done.Name) + (done.End - done.Start - done.Children) / 1000.0;
            if (stack.Count > 0)
            {
                var parent = stack.Pop();
                stack.Push(parent with { Children = parent.Children + (done.End - done.Start) });
            }
        }
        // The long tasks in order, each with the kinds of work it did the most: says what happens when.
        var timeline = new List<string>();
        var origin = busiest.Count > 0 ? busiest[0].Start : 0;
        var inTask = new Dictionary<string, double>();
        (double Start, double End) current = (0, 0);
        void EndTask()
        {
            if ((current.End - current.Start) / 1000.0 >= 8)
            {
                var top = string.Join(", ", inTask.OrderByDescending(p => p.Value).Take(4).Select(p => $"{p.Key} {p.Value:0}"));
                timeline.Add($"{(current.Start - origin) / 1000.0,8:0} ms  {(current.End - current.Start) / 1000.0,5:0} ms  {top}");
            }
            inTask.Clear();
        }
        void PopCounted()
        {
            var done = stack.Peek();
            var own = (done.End - done.Start - done.Children) / 1000.0;
            inTask[done.Name] = inTask.GetValueOrDefault(done.Name) + own;
            Pop();
        }
        foreach (var e in busiest)
        {
            while (stack.Count > 0 && stack.Peek().End <= e.Start) PopCounted();
            if (stack.Count == 0)
            {
                EndTask();
                current = (e.Start, e.End);
                total += (e.End - e.Start) / 1000.0;
                tasks++;
            }
            stack.Push((e.Start, e.End, e.Name, 0));
        }
        while (stack.Count > 0) PopCounted();
        EndTask();
        Console.WriteLine($"trace of one open of {n} activities: {tasks} main-thread tasks, {total:0} ms busy");
        foreach (var (name, ms) in byName.OrderByDescending(p => p.Value).Take(25)) Console.WriteLine($"{ms,8:0.0} ms  {name}");
        Console.WriteLine("tasks of 8 ms or more (start from the first traced event, length, their largest kinds of work in ms):");
        foreach (var line in timeline) Console.WriteLine(line);
        await page.CloseAsync();
    }

    /// <summary>Frame times sampled with requestAnimationFrame while the mouse drags the canvas for about two seconds.</summary>
    private static async Task<(double Mean, double P95)> PanAsync(IBrowserContext context, int n)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/designer/#/definitions/bench-{n}");
        await page.WaitForFunctionAsync($"document.querySelector('[data-testid=canvas]')?.dataset.nodes === '{n}'", null, new() { Timeout = 60_000 });
        await page.GetByTestId("node-A0").WaitForAsync();
        await page.EvaluateAsync("() => { window.__frames = []; let last = performance.now(); const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); }; requestAnimationFrame(tick); }");
        var pane = await page.Locator(".react-flow__pane").BoundingBoxAsync();
        await page.Mouse.MoveAsync(pane!.X + 100, pane.Y + 100);
        await page.Mouse.DownAsync();
        for (var i = 0; i < 4; i++)
        {
            await page.Mouse.MoveAsync(pane.X + 500, pane.Y + 400, new() { Steps = 30 });
            await page.Mouse.MoveAsync(pane.X + 100, pane.Y + 100, new() { Steps = 30 });
        }
        await page.Mouse.UpAsync();
        var frames = (await page.EvaluateAsync<double[]>("() => { window.__stop = true; return window.__frames.slice(1); }")).Order().ToArray();
        await page.CloseAsync();
        return frames.Length == 0 ? (0, 0) : (frames.Average(), frames[(int)(frames.Length * 0.95)]);
    }

    private static string Size(IEnumerable<string> files)
    {
        long raw = 0, gzip = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            raw += bytes.Length;
            using var buffer = new MemoryStream();
            using (var zip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) zip.Write(bytes);
            gzip += buffer.Length;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{raw / 1024.0:0} kB ({gzip / 1024.0:0} kB gzip)");
    }

    private static async Task WaitReadyAsync(string baseUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 480; i++)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("The server did not become ready.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void EnsureOk(this IAPIResponse response)
    {
        if (!response.Ok) throw new InvalidOperationException($"{response.Url}: {response.Status} {response.StatusText}");
    }
}
