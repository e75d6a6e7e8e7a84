using Microsoft.Extensions.Options;
using Npgsql;

namespace ItsmWorkflows.Server.Data;

/// <summary>
/// A start that cannot succeed says so in one line naming the setting, within seconds: a wrong database password was
/// retried for half a minute and then ended in a stack trace, and a mistyped mail port passed the start and failed
/// every email later.
/// </summary>
internal static partial class StartupFailure
{
    /// <summary>Checks the settings and that PostgreSQL answers, before the migrations and the first request.</summary>
    public static async Task CheckAsync(WebApplication app)
    {
        // Every ValidateOnStart: now, before anything is written, rather than when the host starts listening.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        var configured = app.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(configured)) return;
        var given = new NpgsqlConnectionStringBuilder(configured).Timeout;
        var builder = new NpgsqlConnectionStringBuilder(configured) { Timeout = given is > 0 and < 10 ? given : 10, Pooling = false };
        // A database still starting (started beside the server by systemd or an orchestrator) is waited for, up to a
        // minute; a refused sign-in is not going to change, and says so at once.
        var time = app.Services.GetRequiredService<TimeProvider>();
        var until = time.GetUtcNow().AddMinutes(1);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                return; // The database does not exist yet: the server creates it.
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
            {
                throw new StartupConfigurationException($"ConnectionStrings:Postgres: PostgreSQL at {builder.Host}:{builder.Port} refused the sign-in of '{builder.Username}': {ex.MessageText}. Check the user name and password.", ex);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                if (time.GetUtcNow() >= until)
                {
                    throw new StartupConfigurationException($"ConnectionStrings:Postgres: PostgreSQL at {builder.Host}:{builder.Port} cannot be reached ({ex.GetBaseException().Message}), after a minute of trying. Is it running, and are the host and port right?", ex);
                }
                LogWaiting(app.Logger, builder.Host ?? "", builder.Port, ex.GetBaseException().Message);
                await Task.Delay(TimeSpan.FromSeconds(2), time);
            }
        }
    }

    /// <summary>The one line to log for a start that failed on a setting or a newer schema; null for anything else (a bug: its stack trace helps).</summary>
    public static string? Explain(Exception exception) => exception switch
    {
        StartupConfigurationException e => e.Message,
        OptionsValidationException e => string.Join(" ", e.Failures),
        // A value the binder cannot convert names its key: "Failed to convert configuration value at 'Mail:Smtp:Port' …".
        InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => e.Message,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for PostgreSQL at {Host}:{Port} ({Reason})")]
    private static partial void LogWaiting(ILogger logger, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The server cannot start: {Reason}")]
    public static partial void LogCannotStart(ILogger logger, string reason);
}
