using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;
using Xunit;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>
/// The real server as its own process (embedded default: SQLite, demo people, the shipped workflows) and
/// Debian's Chromium driven by Playwright. Browsers cannot be downloaded here, so Chromium comes from the
/// system (apt-get install chromium), or from ITSM_CHROMIUM; without it the tests fail and say so.
/// </summary>
public sealed class DesignerFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    private readonly StringBuilder _output = new();
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"itsm-browser-{Guid.NewGuid():N}.db");
    private Process? _server;
    private IPlaywright? _playwright;

    /// <summary>Playwright itself, for a request context with no browser (a script calling the API).</summary>
    public IPlaywright PlaywrightDriver => _playwright ?? throw new InvalidOperationException("The fixture is not initialized.");

    public int Port { get; } = FreePort();

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The server's SQLite file, for a test that sets up what no page can (a message the mail server gave up on).</summary>
    public string DatabasePath => _database;

    public IBrowser Browser { get; private set; } = null!;

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ItsmWorkflows.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find ItsmWorkflows.sln above the test binaries.");
        }
    }

    public static string ArtifactsFolder => Directory.CreateDirectory(Path.Combine(RepoRoot, "TestResults", "browser")).FullName;

    public async ValueTask InitializeAsync()
    {
        // CI runs this suite beside the server tests on two cores: a large process's first load took over
        // Playwright's 5 s default there. A page that never shows what is expected still fails, 15 s later.
        Assertions.SetDefaultExpectTimeout(15_000);
        var chromium = FindChromium();
        // The content root is the server's project folder, where the build put the designer (wwwroot/designer).
        var info = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "ItsmWorkflows.Server.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepoRoot, "src", "ItsmWorkflows.Server"),
        };
        info.Environment["ASPNETCORE_URLS"] = BaseUrl;
        info.Environment["Approvals__BaseUrl"] = BaseUrl; // the links in approval emails
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Database__SqlitePath"] = _database;
        info.Environment["Demo__Enabled"] = "true";
        info.Environment["Workflows__Path"] = Path.Combine(RepoRoot, "workflows");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        _server = Process.Start(info) ?? throw new InvalidOperationException("The server process did not start.");
        _server.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _server.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        await WaitUntilReadyAsync();

        (_playwright, Browser) = await LaunchChromiumAsync(chromium);
    }

    /// <summary>Where Debian's Chromium is (or ITSM_CHROMIUM); a clear message when it is missing.</summary>
    public static string FindChromium() => Environment.GetEnvironmentVariable("ITSM_CHROMIUM") is { Length: > 0 } configured ? configured
        : ChromiumPaths.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("The browser tests need Chromium: apt-get install -y chromium (or set ITSM_CHROMIUM to its path).");

    public static async Task<(IPlaywright, IBrowser)> LaunchChromiumAsync(string chromium)
    {
        var playwright = await Playwright.CreateAsync();
        return (playwright, await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] }));
    }

    private async Task WaitUntilReadyAsync()
    {
        using var probe = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_server!.HasExited) throw new InvalidOperationException($"The server exited with {_server.ExitCode}:\n{Output}");
            try
            {
                if ((await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The server did not become ready:\n{Output}");
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>
    /// The failure with what the server knew when it happened: the body of <paramref name="apiPath"/> read with the
    /// page's cookie (a ticket's detail, say) and the server's last log lines. CI keeps only the test output, so a
    /// failure that happens once in many runs has to explain itself there.
    /// </summary>
    public async Task<Exception> ExplainAsync(Exception failure, IPage page, string? apiPath)
    {
        var text = new StringBuilder(failure.Message);
        if (apiPath is not null)
        {
            try
            {
                var response = await page.Context.APIRequest.GetAsync(apiPath);
                var body = await response.TextAsync();
                text.Append("\n--- GET ").Append(apiPath).Append(" → ").Append(response.Status).Append(":\n").Append(body.Length > 6000 ? body[..6000] + "…" : body);
            }
            catch (PlaywrightException ex)
            {
                text.Append("\n--- GET ").Append(apiPath).Append(" failed: ").Append(ex.Message);
            }
        }
        var lines = Output.Split('\n');
        text.Append("\n--- server output, last lines:\n").Append(string.Join('\n', lines.TakeLast(80)));
        return new Xunit.Sdk.XunitException(text.ToString(), failure);
    }

    /// <summary>A browser tab at 1280×800 (or the size given: under 600 wide is a phone), signed in as a demo person (the cookie is shared with the page).</summary>
    public Task<(IBrowserContext Context, IPage Page)> SignedInAsync(string userName, int width = 1280, int height = 800) =>
        SignInAsync(Browser, BaseUrl, userName, width, height);

    /// <summary>A new browser context on <paramref name="baseUrl"/> signed in through the demo sign-in, and a page in it.</summary>
    public static async Task<(IBrowserContext Context, IPage Page)> SignInAsync(IBrowser browser, string baseUrl, string userName, int width, int height)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = width, Height = height }, IsMobile = width < 600, HasTouch = width < 600 });
        var response = await context.APIRequest.PostAsync("/account/demo-sign-in", new APIRequestContextOptions { DataObject = new { userName } });
        Assert.True(response.Ok, $"Sign-in as {userName} failed: {response.Status}");
        return (context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            try { File.Delete(file); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
