using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace ItsmWorkflows.Server.Tests;

/// <summary>A real server process (the built ItsmWorkflows.Server.dll) on a loopback port, for reliability tests.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public ServerProcess(string connectionString, IReadOnlyDictionary<string, string>? settings = null) : this(connectionString)
    {
        foreach (var pair in settings ?? new Dictionary<string, string>()) _environment[pair.Key] = pair.Value;
    }

    public ServerProcess(string connectionString)
    {
        Port = FreePort();
        _environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Demo__Enabled"] = "true",
            ["Workflows__Path"] = NoWorkflowsFolder.Path,
            ["Jobs__PollInterval"] = "00:00:00.250",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
        };
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "ItsmWorkflows.Server.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var pair in _environment) info.Environment[pair.Key] = pair.Value;
        _process = Process.Start(info) ?? throw new InvalidOperationException("The server process did not start.");
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Generous: on CI a fresh database's migrations and the first requests run beside the browser suite on two cores,
        // and an upgrade from empty once took longer than 90 s to answer ready although it had started.
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await probe.GetAsync("/health/ready", cancellationToken)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(200, cancellationToken);
        }
        throw new TimeoutException($"The server did not become ready:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown, no flushing, whatever it was doing stops mid-way.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.WaitForExit();
    }

    public async Task<HttpClient> SignedInClientAsync(string userName, CancellationToken cancellationToken)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        (await client.PostAsJsonAsync("/account/demo-sign-in", new { userName }, cancellationToken)).EnsureSuccessStatusCode();
        return client;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
