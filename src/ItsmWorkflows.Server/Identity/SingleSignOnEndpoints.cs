using System.Security.Claims;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Identity;

/// <summary>
/// Single sign-on with the organisation's OpenID Connect provider (Authentication:OpenIdConnect): the sign-in page's
/// button goes to the provider; its answer comes back to /signin-oidc (the handler checks it) and then here, where the
/// person it names becomes a session of this server, as a password sign-in would. The person is found by the provider's
/// subject once linked, else by a verified email, then by user name (and linked); someone the directory does not have yet is added as a requester (CreatePeople, on by default),
/// so an employee can raise a request on their first visit; roles beyond that are an administrator's to give.
/// </summary>
internal static partial class SingleSignOnEndpoints
{
    public const string StartPath = "/account/sso";

    private const string CallbackPath = "/account/sso/done";

    public static void MapSingleSignOnEndpoints(this WebApplication app)
    {
        app.MapGet(StartPath, async (IAuthenticationSchemeProvider schemes) =>
        {
            if (await schemes.GetSchemeAsync(OpenIdConnectDefaults.AuthenticationScheme) is null)
            {
                throw ProblemException.NotFound("Single sign-on is not set up on this server (Authentication:OpenIdConnect:Authority).");
            }
            return Results.Challenge(new AuthenticationProperties { RedirectUri = CallbackPath }, [OpenIdConnectDefaults.AuthenticationScheme]);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapGet(CallbackPath, async (HttpContext http, UserManager<Person> users, SignInManager<Person> signIn, IConfiguration configuration, ILoggerFactory logs) =>
        {
            var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
            if (!external.Succeeded || external.Principal is not { } principal)
            {
                throw new ProblemException(StatusCodes.Status401Unauthorized, "Sign-in failed", "The sign-in provider's answer did not arrive or has expired; start again from the sign-in page.");
            }
            await http.SignOutAsync(IdentityConstants.ExternalScheme);
            var subject = First(principal, ClaimTypes.NameIdentifier, "sub");
            if (subject is null) throw new ProblemException(StatusCodes.Status401Unauthorized, "Sign-in failed", "The sign-in provider's answer names nobody (no subject); ask its administrator.");
            var email = First(principal, ClaimTypes.Email, "email");
            // An address the provider says it has not verified does not find an account (anyone could claim alice's).
            var emailTrusted = email is not null && !string.Equals(First(principal, "email_verified"), "false", StringComparison.OrdinalIgnoreCase);
            var userName = First(principal, "preferred_username", ClaimTypes.Upn, ClaimTypes.Name) ?? email;
            var displayName = First(principal, "name", ClaimTypes.GivenName) ?? userName;
            // The provider's subject, once linked, is the person from then on, whatever their address or name becomes.
            var person = await users.FindByLoginAsync(OpenIdConnectDefaults.AuthenticationScheme, subject);
            var link = person is null;
            person ??= (emailTrusted ? await OnlyOneWithAsync(users, email!) : null) ?? (userName is null ? null : await users.FindByNameAsync(userName));
            var log = logs.CreateLogger("ItsmWorkflows.Server.Identity.SingleSignOn");
            if (person is null)
            {
                if (userName is null || !configuration.GetValue("Authentication:OpenIdConnect:CreatePeople", true))
                {
                    throw new ProblemException(StatusCodes.Status403Forbidden, "No account", $"The sign-in provider vouched for {email ?? userName ?? "someone"}, who has no account here; ask an administrator to add them.");
                }
                person = new Person { UserName = userName, Email = emailTrusted ? email : null, DisplayName = displayName ?? userName };
                var created = await users.CreateAsync(person);
                if (!created.Succeeded)
                {
                    throw ProblemException.Conflict($"'{userName}' cannot be added: {string.Join(" ", created.Errors.Select(e => e.Description))}");
                }
                await users.AddToRoleAsync(person, Roles.Requester);
                LogAdded(log, userName);
            }
            if (!await signIn.CanSignInAsync(person)) throw ItsmSignInManager.Disabled();
            if (link) await users.AddLoginAsync(person, new UserLoginInfo(OpenIdConnectDefaults.AuthenticationScheme, subject, "OpenID Connect"));
            await signIn.SignInAsync(person, isPersistent: false);
            return Results.Redirect("/");
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>The one person with this address; none when nobody or several have it (addresses need not be unique here).</summary>
    private static async Task<Person?> OnlyOneWithAsync(UserManager<Person> users, string email)
    {
        var normalized = users.NormalizeEmail(email);
        var found = await users.Users.Where(u => u.NormalizedEmail == normalized).Take(2).ToListAsync();
        return found.Count == 1 ? found[0] : null;
    }

    private static string? First(ClaimsPrincipal principal, params string[] types) =>
        types.Select(t => principal.FindFirstValue(t)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    [LoggerMessage(Level = LogLevel.Information, Message = "Single sign-on added {UserName} as a requester (first visit)")]
    private static partial void LogAdded(ILogger logger, string userName);
}
