using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Identity;

/// <summary>
/// Identity's sign-in, which also refuses a disabled account: a password sign-in answers as any failure does, and
/// every other way in (single sign-on, demo sign-in, an API token) asks <see cref="CanSignInAsync"/> first.
/// </summary>
internal sealed class ItsmSignInManager(
    UserManager<Person> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<Person> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<Person>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Person> confirmation)
    : SignInManager<Person>(users, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(Person user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.DisabledAt is null && await base.CanSignInAsync(user);
    }

    /// <summary>The one answer every refused way in gives a disabled account.</summary>
    public static Api.ProblemException Disabled() =>
        new(StatusCodes.Status403Forbidden, "Account disabled", "This account is switched off; ask an administrator to switch it on again.");
}
