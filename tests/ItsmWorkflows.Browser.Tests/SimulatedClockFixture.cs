using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Xunit;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>
/// The embedded default (SQLite, dev mailbox, demo data, shipped workflows) hosted in the test process on a real
/// port (Kestrel), so a browser can use it while the test moves the engine's clock: hours of SLA pass in a
/// moment. Background jobs are off; <see cref="AdvanceAsync"/> runs what they would run at the new time.
/// </summary>
public sealed class SimulatedClockFixture : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"itsm-clock-{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var chromium = DesignerFixture.FindChromium();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseContentRoot(Path.Combine(DesignerFixture.RepoRoot, "src", "ItsmWorkflows.Server"));
            b.UseSetting("Database:SqlitePath", _database);
            b.UseSetting("Demo:Enabled", "true");
            b.UseSetting("Workflows:Path", Path.Combine(DesignerFixture.RepoRoot, "workflows"));
            b.UseSetting("Jobs:RunServer", "false");
            b.UseSetting("Jobs:HangfireLogs", "none");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            // The engine's clock is the test's; sign-in cookies keep real time.
            b.ConfigureServices(services => services.AddKeyedSingleton<TimeProvider>(ItsmWorkflows.Server.Runtime.EngineClock.Key, Clock));
        });
        // A free port on the loopback address: UseKestrel(0) fell back to the default port 5000, so two of these
        // fixtures (one per test class, run in parallel) collided.
        _factory.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        using (var probe = new HttpClient { BaseAddress = new Uri(BaseUrl) })
        {
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);
        }
        (_playwright, Browser) = await DesignerFixture.LaunchChromiumAsync(chromium);
    }

    /// <summary>Moves the clock, fires what fell due and delivers the mail that caused (each delivery may move a workflow on).</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await using (var scope = _factory!.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Runtime.TimerSweepJob>().RunAsync(TestContext.Current.CancellationToken);
        }
        await SettleAsync();
    }

    /// <summary>Runs the outbox job until nothing is left.</summary>
    public async Task SettleAsync()
    {
        for (var round = 0; round < 50; round++)
        {
            await using var scope = _factory!.Services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Mail.OutboxDeliveryJob>().RunAsync(TestContext.Current.CancellationToken) == 0) return;
        }
        Assert.Fail("The outbox did not settle in 50 rounds.");
    }

    /// <summary>A browser tab signed in as a demo person, at a desktop size or the size given.</summary>
    public Task<(IBrowserContext Context, IPage Page)> SignedInAsync(string userName, int width = 1280, int height = 800) =>
        DesignerFixture.SignInAsync(Browser, BaseUrl, userName, width, height);

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            try { File.Delete(file); } catch (IOException) { }
        }
    }
}
