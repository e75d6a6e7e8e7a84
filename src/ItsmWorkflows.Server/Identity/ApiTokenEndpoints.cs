using System.Security.Claims;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Identity;

/// <summary>A new personal API token: what it is for, how many days it lasts (default 90, at most 730), and, for an administrator, whom it acts as.</summary>
internal sealed record CreateApiTokenRequest(string Name, int? ExpiresInDays = null, string? UserName = null);

/// <summary>A token as its list shows it: never the token itself, which is shown once, when it is made.</summary>
internal sealed record ApiTokenDto(string Id, string Name, string UserName, string Hint, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ApiTokenDto From(ApiTokenRecord r) => new(r.Id, r.Name, r.UserName, r.Hint, r.CreatedAt, r.CreatedBy, r.ExpiresAt, r.LastUsedAt, r.RevokedAt);
}

/// <summary>The answer to making a token: the only time the token is shown.</summary>
internal sealed record CreatedApiTokenDto(ApiTokenDto Details, string Token);

/// <summary>Personal API tokens: made, listed and revoked by the person signed in (an administrator for anyone).</summary>
internal static partial class ApiTokenEndpoints
{
    public static void MapApiTokenEndpoints(this WebApplication app)
    {
        var tokens = app.MapGroup("/api/tokens").WithTags("Account").RequireAuthorization(Policies.SignedIn);
        tokens.MapPost("", CreateAsync).WithSummary("Makes a personal API token (Authorization: Bearer itsm_…) that acts as you, with your roles; the answer is the only time the token is shown. Only from a signed-in session, not with another token.");
        tokens.MapGet("", async (ClaimsPrincipal user, ItsmDbContext db, UserManager<Person> users, string? userName, CancellationToken ct) =>
        {
            var me = user.Identity!.Name!;
            // The name as stored, whatever case it was asked in.
            var whose = userName is { Length: > 0 } && user.IsInRole(Roles.Admin) ? (await users.FindByNameAsync(userName))?.UserName ?? userName : me;
            var list = await db.ApiTokens.AsNoTracking().Where(t => t.UserName == whose).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
            return list.Select(ApiTokenDto.From);
        }).WithSummary("Your API tokens (an administrator may name someone: ?userName=), newest first; never the tokens themselves.");
        tokens.MapDelete("/{id}", async (string id, ClaimsPrincipal user, ItsmDbContext db, TimeProvider time, CancellationToken ct) =>
        {
            var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
            if (token is null || (token.UserName != user.Identity!.Name && !user.IsInRole(Roles.Admin))) throw ProblemException.NotFound($"There is no API token {id} of yours.");
            token.RevokedAt ??= time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        }).WithSummary("Revokes an API token at once: the next request with it is refused (401).");
    }

    private static async Task<IResult> CreateAsync(CreateApiTokenRequest body, ClaimsPrincipal user, HttpContext http, ItsmDbContext db, UserManager<Person> users, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        // A token that makes tokens would outlive its own revocation through its offspring.
        if (ApiTokenAuthentication.TokenOf(http.Request) is not null)
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", "API tokens are made from a signed-in session, not with another token.");
        }
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > 100) throw ProblemException.BadRequest("Name the token (what it is for, at most 100 characters), so that it can be told apart and revoked.");
        var days = body.ExpiresInDays ?? 90;
        if (days is < 1 or > 730) throw ProblemException.BadRequest("'expiresInDays' is 1 to 730 (default 90): a token does not last for ever.");
        var me = user.Identity!.Name!;
        var whose = string.IsNullOrWhiteSpace(body.UserName) ? me : body.UserName.Trim();
        if (!string.Equals(whose, me, StringComparison.OrdinalIgnoreCase) && !user.IsInRole(Roles.Admin))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", "Only an administrator makes API tokens for someone else; leave 'userName' out to make one of your own.");
        }
        var person = await users.FindByNameAsync(whose) ?? throw ProblemException.NotFound($"There is no person '{whose}'.");
        var token = ApiTokenAuthentication.NewToken();
        var now = time.GetUtcNow();
        var record = new ApiTokenRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = body.Name.Trim(),
            UserName = person.UserName!,
            TokenHash = ApiTokenAuthentication.Hash(token),
            Hint = token[..(ApiTokenAuthentication.Prefix.Length + 4)],
            CreatedAt = now,
            CreatedBy = me,
            ExpiresAt = now.AddDays(days),
        };
        db.ApiTokens.Add(record);
        await db.SaveChangesAsync(ct);
        // Who may act as whom is worth a line in the log (an administrator can make one for anyone); never the token.
        var log = logs.CreateLogger("ItsmWorkflows.Server.Identity.ApiTokens");
        LogMade(log, record.Name, record.UserName, me, record.ExpiresAt);
        return Results.Created($"/api/tokens/{record.Id}", new CreatedApiTokenDto(ApiTokenDto.From(record), token));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API token '{Name}' made to act as {UserName} by {Actor}, until {ExpiresAt:u}")]
    private static partial void LogMade(ILogger logger, string name, string userName, string actor, DateTimeOffset expiresAt);
}
