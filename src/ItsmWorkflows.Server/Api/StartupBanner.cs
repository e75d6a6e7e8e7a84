using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ItsmWorkflows.Server.Api;

/// <summary>Tells a newcomer where to click once the server listens, and opens the browser when asked to (Browser:Open).</summary>
internal static partial class StartupBanner
{
    public static void AnnounceWhenStarted(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (PublicAddress.From(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []) is not { } url) return;
            var signIn = url + "/signin";
            LogReady(app.Logger, signIn);
            if (app.Configuration.GetValue("Browser:Open", false)) TryOpen(signIn);
        });
    }

    private static void TryOpen(string url)
    {
        try
        {
            using var _ = Process.Start(new ProcessStartInfo("xdg-open", url) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No desktop browser on this machine: the URL in the log is the way in.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ItsmWorkflows is running. Open {Url} in your browser.")]
    private static partial void LogReady(ILogger logger, string url);
}
