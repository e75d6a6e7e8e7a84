using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// The real server in-process (WebApplicationFactory) on a fresh database of one provider. Tests sign
/// in as the seeded demo people through the same endpoint a person uses.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    public const string BootstrapAdmin = "root";

    public const string BootstrapPassword = "correct-horse-battery-staple";

    public abstract string Provider { get; }

    public FakeTimeProvider EngineClock { get; } = new(DateTimeOffset.UtcNow);

    public string WorkflowsFolder { get; } = Directory.CreateTempSubdirectory("itsm-workflows-").FullName;

    protected abstract Task<IDictionary<string, string?>> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    /// <summary>The host environment the server runs in.</summary>
    protected virtual string EnvironmentName => "Testing";

    /// <summary>More settings for a derived fixture (an SMTP server, for instance).</summary>
    protected virtual Task AddSettingsAsync(IDictionary<string, string?> settings) => Task.CompletedTask;

    /// <summary>Releases what <see cref="AddSettingsAsync"/> started.</summary>
    protected virtual ValueTask DisposeExtrasAsync() => ValueTask.CompletedTask;

    private IDictionary<string, string?>? _settings;

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async ValueTask InitializeAsync()
    {
        var settings = await CreateDatabaseAsync();
        settings["Demo:Enabled"] = "true";
        settings["Workflows:Path"] = WorkflowsFolder;
        settings["Bootstrap:AdminUserName"] = BootstrapAdmin;
        settings["Bootstrap:AdminPassword"] = BootstrapPassword;
        // Jobs are run by the tests themselves, so nothing happens behind an assertion's back.
        settings["Jobs:RunServer"] = "false";
        // Hangfire's log provider is process-wide; test servers come and go side by side.
        settings["Jobs:HangfireLogs"] = "none";
        await AddSettingsAsync(settings);
        _settings = settings;
        _factory = CreateNode();
        _ = _factory.Server; // starts the host: migrations and seeding run now, not inside the first test
    }

    /// <summary>A server node on the fixture's database and settings: the fixture's own, or a second one beside it (dispose it).</summary>
    public WebApplicationFactory<Program> CreateNode() => new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
    {
        builder.UseEnvironment(EnvironmentName);
        foreach (var pair in _settings!) builder.UseSetting(pair.Key, pair.Value);
        builder.ConfigureServices(services =>
        {
            // The engine's clock is a fake one the tests move; sign-in cookies keep real time.
            services.AddKeyedSingleton<TimeProvider>(ItsmWorkflows.Server.Runtime.EngineClock.Key, EngineClock);
        });
    });

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        await DropDatabaseAsync();
        await DisposeExtrasAsync();
        try { Directory.Delete(WorkflowsFolder, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    /// <summary>An HTTP client signed in as a demo person (erin admin, dave process owner, bob agent, carol approver, alice requester), or anonymous.</summary>
    public async Task<HttpClient> ClientAsync(string? userName)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (userName is null) return client;
        var response = await client.PostAsJsonAsync("/account/demo-sign-in", new { userName }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return client;
    }
}
