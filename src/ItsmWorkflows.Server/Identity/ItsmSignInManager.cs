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

    /// <summary>
    /// The sign-in cookie's periodic check: a switched-off account fails it whatever its stamp, so no session of theirs
    /// outlives the check, even one renewed meanwhile (a password changed in the minute before the check).
    /// </summary>
    public override async Task<bool> ValidateSecurityStampAsync(Person? user, string? securityStamp) =>
        user is { DisabledAt: null } && await base.ValidateSecurityStampAsync(user, securityStamp);

    /// <summary>The one answer every refused way in gives a disabled account.</summary>
    public static Api.ProblemException Disabled() =>
        new(StatusCodes.Status403Forbidden, "Account disabled", "This account is switched off; ask an administrator to switch it on again.");
}
