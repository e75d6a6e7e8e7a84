using System.Collections.Concurrent;
using System.Security.Claims;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Live;

/// <summary>
/// The live connections of this node and whose sign-in each rests on. A WebSocket stays open on the sign-in it was
/// opened with, so an HTTP request's check of the person's security stamp never reaches it: signing out, a changed
/// password or a role taken away renews the stamp, and <see cref="CloseEndedAsync"/> closes every connection whose
/// stamp is no longer the person's (or whose person is gone), and every one opened with an API token since revoked or
/// expired. The same interval as the cookie's own check
/// (Identity:SessionCheckInterval) runs it.
/// </summary>
internal sealed partial class LiveSessions(IServiceScopeFactory scopes, IConfiguration configuration, Microsoft.Extensions.Options.IOptions<IdentityOptions> identity, TimeProvider time, ILogger<LiveSessions> logger) : BackgroundService
{
    private sealed record Connection(HubCallerContext Context, string UserId, string? Stamp, string? TokenId);

    private readonly ConcurrentDictionary<string, Connection> _open = new(StringComparer.Ordinal);

    public void Opened(HubCallerContext context)
    {
        var user = context.User;
        var id = user?.FindFirstValue(ClaimTypes.NameIdentifier);
        // Without the person or the stamp there is nothing to compare against later: left to the cookie's own expiry.
        var stamp = user?.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        // Opened with an API token: it lasts while the token does (revoked or expired, it closes), whatever the sign-ins.
        var token = user?.FindFirstValue(Identity.ApiTokenAuthentication.TokenIdClaim);
        if (id is null || (stamp is null && token is null)) return;
        _open[context.ConnectionId] = new Connection(context, id, stamp, token);
    }

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    /// <summary>Closes the connections whose sign-in has ended since they opened; returns how many.</summary>
    public async Task<int> CloseEndedAsync(CancellationToken cancellationToken)
    {
        var open = _open.Values.ToList();
        if (open.Count == 0) return 0;
        var ids = open.Select(c => c.UserId).Distinct().ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        // A disabled person counts as gone: every connection of theirs closes, cookie or token.
        var stamps = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.DisabledAt == null).Select(u => new { u.Id, u.SecurityStamp }).ToDictionaryAsync(u => u.Id, u => u.SecurityStamp, cancellationToken);
        var tokenIds = open.Select(c => c.TokenId).OfType<string>().Distinct().ToList();
        var now = time.GetUtcNow();
        var liveTokens = tokenIds.Count == 0 ? [] : (await db.ApiTokens.AsNoTracking().Where(t => tokenIds.Contains(t.Id) && t.RevokedAt == null)
            .Select(t => new { t.Id, t.ExpiresAt }).ToListAsync(cancellationToken)).Where(t => t.ExpiresAt > now).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var closed = 0;
        foreach (var connection in open)
        {
            if (connection.TokenId is { } tokenId ? liveTokens.Contains(tokenId) && stamps.ContainsKey(connection.UserId)
                : stamps.TryGetValue(connection.UserId, out var stamp) && string.Equals(stamp, connection.Stamp, StringComparison.Ordinal)) continue;
            connection.Context.Abort();
            _open.TryRemove(connection.Context.ConnectionId, out _);
            closed++;
        }
        if (closed > 0) LogClosed(logger, closed);
        return closed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Zero (the cookie checked on every request) has no period: the connections are then checked every 5 s.
        var interval = configuration.GetValue("Identity:SessionCheckInterval", TimeSpan.FromMinutes(1));
        if (interval < TimeSpan.FromSeconds(5)) interval = TimeSpan.FromSeconds(5);
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CloseEndedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // checkpoint: the next tick tries again; a connection left open meanwhile only learns "ticket X changed".
                LogCheckFailed(logger, ex.GetBaseException().Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} live connection(s) whose sign-in had ended")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the live connections' sign-ins failed: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
