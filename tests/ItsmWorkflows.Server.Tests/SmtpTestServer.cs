using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// The SMTP server of tests/smtp (nodemailer's smtp-server on Node.js), started on free ports. Recipients
/// named reject*@ are refused (550), busy*@ deferred once (451); what arrived is read back over HTTP.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private SmtpTestServer(Process process, int smtpPort, int httpPort)
    {
        _process = process;
        SmtpPort = smtpPort;
        HttpPort = httpPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public int SmtpPort { get; }

    /// <summary>Its HTTP side: GET /messages answers JSON (a file to attach by link), anything else 404.</summary>
    public int HttpPort { get; }

    public static async Task<SmtpTestServer> StartAsync()
    {
        var folder = Path.Combine(RepoRoot, "tests", "smtp");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "smtp-server")))
        {
            throw new InvalidOperationException($"The test SMTP server's packages are missing: run 'npm ci --prefix {folder}' (.ci/run does).");
        }
        var info = new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node for the test SMTP server.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("The test SMTP server exited: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            if (!line.StartsWith("READY ", StringComparison.Ordinal)) continue;
            var ports = JsonNode.Parse(line[6..])!;
            return new SmtpTestServer(process, ports["smtp"]!.GetValue<int>(), ports["http"]!.GetValue<int>());
        }
    }

    /// <summary>Messages received so far, and how many SMTP sessions were opened.</summary>
    public async Task<(JsonArray Messages, int Sessions)> ReceivedAsync()
    {
        var body = (await _http.GetFromJsonAsync<JsonObject>("/messages"))!;
        return (body["messages"]!.AsArray(), body["sessions"]!.GetValue<int>());
    }

    public async Task ClearAsync() => (await _http.DeleteAsync("/messages")).EnsureSuccessStatusCode();

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ItsmWorkflows.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find ItsmWorkflows.sln above the test binaries.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}

/// <summary>PostgreSQL and a real SMTP server; mail is sent, not kept in the dev mailbox.</summary>
public class PostgresSmtpServerFixture : PostgresServerFixture
{
    private SmtpTestServer? _smtp;

    public SmtpTestServer Smtp => _smtp ?? throw new InvalidOperationException("The fixture is not initialized.");

    protected override async Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        _smtp = await SmtpTestServer.StartAsync();
        settings["Mail:Smtp:Host"] = "127.0.0.1";
        settings["Mail:Smtp:Port"] = _smtp.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mail:Smtp:Security"] = "None";
        settings["Mail:From"] = "Service Desk <servicedesk@itsm.example.org>";
        // Linked attachments come from the test servers on 127.0.0.1, which the default outbound policy refuses.
        settings["Http:Outbound:Allow:0"] = "127.0.0.1/32";
    }

    protected override async ValueTask DisposeExtrasAsync()
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
    }
}

/// <summary>The test SMTP server with SMTP authentication configured: right (itsm/secret) or wrong credentials.</summary>
public abstract class PostgresSmtpAuthFixture(string password) : PostgresServerFixture
{
    private SmtpTestServer? _smtp;

    public SmtpTestServer Smtp => _smtp ?? throw new InvalidOperationException("The fixture is not initialized.");

    protected override async Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        _smtp = await SmtpTestServer.StartAsync();
        settings["Mail:Smtp:Host"] = "127.0.0.1";
        settings["Mail:Smtp:Port"] = _smtp.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mail:Smtp:Security"] = "None";
        settings["Mail:Smtp:UserName"] = "itsm";
        settings["Mail:Smtp:Password"] = password;
    }

    protected override async ValueTask DisposeExtrasAsync()
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
    }
}

public sealed class PostgresSmtpRightCredentialsFixture() : PostgresSmtpAuthFixture("secret");

public sealed class PostgresSmtpWrongCredentialsFixture() : PostgresSmtpAuthFixture("not-the-password");
