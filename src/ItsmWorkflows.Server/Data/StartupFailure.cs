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
        var builder = new NpgsqlConnectionStringBuilder(configured) { Timeout = Math.Min(new NpgsqlConnectionStringBuilder(configured).Timeout, 10), Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // The database does not exist yet: the server creates it.
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new StartupConfigurationException($"ConnectionStrings:Postgres: PostgreSQL at {builder.Host}:{builder.Port} refused the sign-in of '{builder.Username}': {ex.MessageText}. Check the user name and password.", ex);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new StartupConfigurationException($"ConnectionStrings:Postgres: PostgreSQL at {builder.Host}:{builder.Port} cannot be reached ({ex.GetBaseException().Message}). Is it running, and are the host and port right?", ex);
        }
    }

    /// <summary>The one line to log for a start that failed on a setting; null for anything else (a bug: its stack trace helps).</summary>
    public static string? Explain(Exception exception) => exception switch
    {
        StartupConfigurationException e => e.Message,
        OptionsValidationException e => string.Join(" ", e.Failures),
        // A value the binder cannot convert names its key: "Failed to convert configuration value at 'Mail:Smtp:Port' …".
        InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => e.Message,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Critical, Message = "The server cannot start: {Reason}")]
    public static partial void LogCannotStart(ILogger logger, string reason);
}
