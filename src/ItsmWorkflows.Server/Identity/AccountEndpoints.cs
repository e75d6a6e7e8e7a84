using System.Net;
using System.Security.Claims;
using System.Text;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Identity;

internal sealed record SignInRequest(string UserName, string? Password);

internal sealed record PersonDto(string Id, string UserName, string DisplayName, string? Email, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);

/// <summary>Sign-in, sign-out, who am I, and the demo sign-in page of the embedded default.</summary>
internal static class AccountEndpoints
{
    /// <summary>A hash of a random password, made once: what an unknown user name's sign-in is checked against.</summary>
    private static readonly string UnknownPersonHash = new PasswordHasher<Person>().HashPassword(new Person { DisplayName = "" }, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));

    public static void MapAccountEndpoints(this WebApplication app)
    {
        var account = app.MapGroup("/account").WithTags("Account");

        account.MapPost("/login", async (SignInRequest request, SignInManager<Person> signIn, UserManager<Person> users) =>
        {
            var person = await users.FindByNameAsync(request.UserName);
            // A switched-off account too: refused before its hash is checked, it would answer sooner than a wrong password.
            if (person?.PasswordHash is null || string.IsNullOrEmpty(request.Password) || person.DisabledAt is not null)
            {
                // As long as a wrong password takes: an unknown name, or someone without a password (a demo person, a
                // service account used by API token), must not answer sooner, or the timing tells who has an account.
                users.PasswordHasher.VerifyHashedPassword(new Person { DisplayName = "" }, UnknownPersonHash, request.Password ?? "");
                throw WrongCredentials();
            }
            var result = await signIn.PasswordSignInAsync(person, request.Password, isPersistent: false, lockoutOnFailure: true);
            // Locked out after five wrong passwords reads as any failure: a different answer would tell that the name exists.
            if (!result.Succeeded) throw WrongCredentials();
            return Results.NoContent();
        }).AllowAnonymous();

        account.MapPost("/demo-sign-in", async (SignInRequest request, SignInManager<Person> signIn, UserManager<Person> users, IOptions<DemoOptions> demo) =>
        {
            if (!demo.Value.Enabled) throw ProblemException.NotFound("Demo sign-in is only available in the embedded demo setup.");
            var person = await users.FindByNameAsync(request.UserName);
            // Only the people without a password, as the demo seeds them: never an account someone set a password for.
            if (person is null || person.PasswordHash is not null) throw ProblemException.NotFound($"There is no demo person '{request.UserName}'.");
            if (!await signIn.CanSignInAsync(person)) throw ItsmSignInManager.Disabled();
            await signIn.SignInAsync(person, isPersistent: false);
            return Results.NoContent();
        }).AllowAnonymous();

        account.MapGet("/demo-people", async (UserManager<Person> users, ItsmDbContext db, IOptions<DemoOptions> demo) =>
        {
            if (!demo.Value.Enabled) throw ProblemException.NotFound("Demo sign-in is only available in the embedded demo setup.");
            return Results.Ok(await PeopleAsync(users, db, null, withoutPassword: true));
        }).AllowAnonymous();

        account.MapPost("/logout", async (ClaimsPrincipal user, SignInManager<Person> signIn, UserManager<Person> users) =>
        {
            // A cookie is valid by itself until it expires: renewing the stamp is what makes a copied or forgotten
            // cookie of this person stop working (every session of theirs, within Identity:SessionCheckInterval).
            if (await users.GetUserAsync(user) is { } person) await users.UpdateSecurityStampAsync(person);
            await signIn.SignOutAsync();
            return Results.NoContent();
        }).RequireAuthorization(Policies.SignedIn);

        account.MapGet("/me", async (ClaimsPrincipal user, UserManager<Person> users, ItsmDbContext db) =>
        {
            var id = users.GetUserId(user) ?? throw new ProblemException(StatusCodes.Status401Unauthorized, "Not signed in", "Sign in first.");
            var people = await PeopleAsync(users, db, id);
            return people.Count == 0 ? throw ProblemException.NotFound("Your account no longer exists.") : Results.Ok(people[0]);
        }).RequireAuthorization(Policies.SignedIn);

        app.MapGet("/signin", async (UserManager<Person> users, ItsmDbContext db, IOptions<DemoOptions> demo, IAuthenticationSchemeProvider schemes) =>
        {
            var sso = await schemes.GetSchemeAsync(Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectDefaults.AuthenticationScheme) is not null;
            return Results.Content(await SignInPageAsync(users, db, demo.Value.Enabled, sso), "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
    }

    private static ProblemException WrongCredentials() =>
        new(StatusCodes.Status401Unauthorized, "Sign-in failed", "The user name or password is wrong. After five wrong passwords in a row, sign-in waits a few minutes.");

    private static async Task<List<PersonDto>> PeopleAsync(UserManager<Person> users, ItsmDbContext db, string? onlyId, bool withoutPassword = false)
    {
        var people = await db.Users.AsNoTracking().Where(p => (onlyId == null || p.Id == onlyId) && (!withoutPassword || p.PasswordHash == null)).OrderBy(p => p.DisplayName).ToListAsync();
        var groups = await db.GroupMembers.AsNoTracking().Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { m.PersonId, g.Name }).ToListAsync();
        var result = new List<PersonDto>();
        foreach (var p in people)
        {
            var roles = await users.GetRolesAsync(p);
            result.Add(new PersonDto(p.Id, p.UserName ?? "", p.DisplayName, p.Email, [.. roles.Order()], [.. groups.Where(g => g.PersonId == p.Id).Select(g => g.Name).Order()]));
        }
        return result;
    }

    private static async Task<string> SignInPageAsync(UserManager<Person> users, ItsmDbContext db, bool demo, bool sso)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Sign in · ItsmWorkflows</title>");
        html.Append("<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1f2933}button{display:block;width:100%;text-align:left;margin:.4rem 0;padding:.7rem 1rem;border:1px solid #cbd2d9;border-radius:.5rem;background:#fff;font-size:1rem;cursor:pointer}button:hover{background:#f0f4f8}small{color:#616e7c}</style></head><body>");
        html.Append("<h1>Sign in to ItsmWorkflows</h1>");
        // Back where the person was sent from (the jobs dashboard, a ticket's link): a path on this server only.
        html.Append("<script>function back(){const r=new URLSearchParams(location.search).get('ReturnUrl');return r&&r.startsWith('/')&&!r.startsWith('//')&&!r.startsWith('/\\\\')?r:'/';}</script>");
        if (sso) html.Append($"<p><a href=\"{SingleSignOnEndpoints.StartPath}\">Sign in with your organisation's account</a></p>");
        if (demo)
        {
            html.Append("<p>Demo setup: choose a person to sign in as.</p>");
            // The people the demo's sign-in takes: those without a password (the bootstrap administrator signs in below).
            foreach (var person in await PeopleAsync(users, db, null, withoutPassword: true))
            {
                var name = WebUtility.HtmlEncode(person.UserName);
                html.Append($"<button data-user=\"{name}\" onclick=\"signIn(this.dataset.user)\"><strong>{WebUtility.HtmlEncode(person.DisplayName)}</strong><br><small>{WebUtility.HtmlEncode(string.Join(", ", person.Roles))}{(person.Groups.Count > 0 ? " · " + WebUtility.HtmlEncode(string.Join(", ", person.Groups)) : "")}</small></button>");
            }
            html.Append("<script>async function signIn(u){const r=await fetch('/account/demo-sign-in',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({userName:u})});if(r.ok){location.href=back();}else{alert('Sign-in failed');}}</script>");
            html.Append("<h2>Or with a password</h2>");
        }
        html.Append("<form onsubmit=\"event.preventDefault();fetch('/account/login',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({userName:this.u.value,password:this.p.value})}).then(r=>r.ok?location.href=back():alert('Sign-in failed'))\">");
        html.Append("<p><label>User name<br><input name=\"u\" autocomplete=\"username\" required></label></p><p><label>Password<br><input name=\"p\" type=\"password\" autocomplete=\"current-password\" required></label></p><p><button type=\"submit\">Sign in</button></p></form>");
        html.Append("</body></html>");
        return html.ToString();
    }
}
