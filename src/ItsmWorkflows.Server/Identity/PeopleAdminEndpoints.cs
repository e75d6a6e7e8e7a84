using System.Security.Claims;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Identity;

/// <summary>A new person: roles default to requester; without a password they sign in by single sign-on (or not at all).</summary>
internal sealed record NewPersonRequest(string UserName, string DisplayName, string? Email, string? Department, string? Manager, IReadOnlyList<string>? Roles, IReadOnlyList<string>? Groups, string? Password);

internal sealed record SetPasswordRequest(string Password);

internal sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

internal sealed record GroupRequest(string? Name, string? Description, IReadOnlyList<string>? Members);

/// <summary>
/// What an administrator needs to run the directory on a real installation: add people with their roles, set or
/// reset a password, switch an account off and on, add groups and set their members. Everyone changes their own
/// password. The last administrator who can sign in cannot lose the role or be switched off.
/// </summary>
internal static partial class PeopleAdminEndpoints
{
    public static void MapPeopleAdminEndpoints(this WebApplication app)
    {
        var people = app.MapGroup("/api/people").WithTags("People");
        people.MapPost("", AddAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("Adds a person with their roles (requester when none are given), groups and, optionally, a password (at least 12 characters).");
        people.MapPut("/{userName}/password", SetPasswordAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("Sets or resets a person's password: their sessions end and a sign-in lockout is lifted.");
        people.MapPost("/{userName}/disable", (string userName, ClaimsPrincipal user, PeopleAdmin admin, CancellationToken ct) => admin.SetDisabledAsync(userName, true, user.Identity!.Name!, ct))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Switches an account off: no sign-in, no API token, and every session and live connection ends (within Identity:SessionCheckInterval). Its open tickets go back to their groups, whose agents are emailed (releasedTickets says how many); the approvals waiting on its decision go to its manager, else its delegate, who is emailed a link (handedOverApprovals; strandedApprovals counts those nobody could take); what it raised or closed, and history, stay. Called again on an account already off, it hands over what still waits.");
        people.MapPost("/{userName}/enable", (string userName, ClaimsPrincipal user, PeopleAdmin admin, CancellationToken ct) => admin.SetDisabledAsync(userName, false, user.Identity!.Name!, ct))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Switches an account on again; its API tokens work again unless revoked or expired. The tickets released when it was switched off stay with their groups.");
        people.MapPut("/me/password", ChangeOwnPasswordAsync).RequireAuthorization(Policies.SignedIn)
            .WithSummary("Changes your own password (the current one is needed); your other sessions end, this one stays.");

        var groups = app.MapGroup("/api/groups").WithTags("People").RequireAuthorization(Policies.Admin);
        groups.MapPost("", (GroupRequest body, ClaimsPrincipal user, PeopleAdmin admin, CancellationToken ct) => admin.AddGroupAsync(body, user.Identity!.Name!, ct))
            .WithSummary("Adds a group (assignment group, approvers) with a description and members.");
        groups.MapPut("/{name}", (string name, GroupRequest body, ClaimsPrincipal user, PeopleAdmin admin, CancellationToken ct) => admin.UpdateGroupAsync(name, body, user.Identity!.Name!, ct))
            .WithSummary("Sets a group's description or replaces its members (a field left out stays); a group keeps its name.");
    }

    private static async Task<IResult> AddAsync(NewPersonRequest body, ClaimsPrincipal user, PeopleAdmin admin, CancellationToken ct)
    {
        var added = await admin.AddAsync(body, user.Identity!.Name!, ct);
        return Results.Created($"/api/people/{Uri.EscapeDataString(added.UserName)}", added);
    }

    private static async Task<IResult> SetPasswordAsync(string userName, SetPasswordRequest body, ClaimsPrincipal user, UserManager<Person> users, ILoggerFactory logs)
    {
        var person = await PeopleAdmin.FindAsync(users, userName);
        if (string.IsNullOrEmpty(body.Password)) throw ProblemException.BadRequest("Give the new password ('password', at least 12 characters).");
        // A reset token rather than remove-then-add: a password the policy refuses leaves the old one in place.
        var reset = await users.ResetPasswordAsync(person, await users.GeneratePasswordResetTokenAsync(person), body.Password);
        if (!reset.Succeeded) throw ProblemException.BadRequest(PeopleAdmin.Describe(reset));
        await users.SetLockoutEndDateAsync(person, null);
        await users.ResetAccessFailedCountAsync(person);
        var admin = user.Identity!.Name!;
        var log = logs.CreateLogger("ItsmWorkflows.Server.Identity.People");
        LogPasswordSet(log, person.UserName!, admin);
        return Results.NoContent();
    }

    private static async Task<IResult> ChangeOwnPasswordAsync(ChangePasswordRequest body, ClaimsPrincipal user, UserManager<Person> users, SignInManager<Person> signIn)
    {
        if (user.HasClaim(c => c.Type == ApiTokenAuthentication.TokenIdClaim))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", "A password is changed from a signed-in session, not with an API token.");
        }
        var person = await users.GetUserAsync(user) ?? throw ProblemException.NotFound("Your account no longer exists.");
        if (!await signIn.CanSignInAsync(person)) throw ItsmSignInManager.Disabled();
        if (person.PasswordHash is null)
        {
            throw ProblemException.Conflict("You have no password here (you sign in through your organisation's account or the demo); an administrator can set one.");
        }
        if (string.IsNullOrEmpty(body.NewPassword)) throw ProblemException.BadRequest("Give the new password ('newPassword', at least 12 characters).");
        // Guesses of the current password count as wrong sign-ins: a stolen session cannot try it for ever.
        if (await users.IsLockedOutAsync(person))
        {
            throw new ProblemException(StatusCodes.Status429TooManyRequests, "Too many attempts", "The current password was wrong too many times; wait a few minutes and try again.");
        }
        var changed = await users.ChangePasswordAsync(person, body.CurrentPassword ?? "", body.NewPassword);
        if (!changed.Succeeded && changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))) await users.AccessFailedAsync(person);
        if (!changed.Succeeded)
        {
            throw changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
                ? ProblemException.BadRequest("The current password is wrong.")
                : ProblemException.BadRequest(PeopleAdmin.Describe(changed));
        }
        // The change renewed the stamp, which ends every session of this person; this one is signed in again on it.
        await signIn.RefreshSignInAsync(person);
        return Results.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Password of {UserName} set by {Admin}")]
    private static partial void LogPasswordSet(ILogger logger, string userName, string admin);
}
