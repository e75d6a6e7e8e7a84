using Microsoft.AspNetCore.DataProtection;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;

namespace ItsmWorkflows.Server.Identity;

/// <summary>Cookie sign-in with local accounts (ASP.NET Core Identity), and OpenID Connect when configured.</summary>
internal static class IdentitySetup
{
    public static WebApplicationBuilder AddItsmIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddIdentityCore<Person>(o =>
            {
                o.User.RequireUniqueEmail = false;
                // Length over composition rules (NIST SP 800-63B): a long passphrase beats "Passw0rd!".
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
            })
            .AddRoles<IdentityRole>()
            .AddUserValidator<ReservedUserNames>()
            .AddEntityFrameworkStores<ItsmDbContext>()
            .AddSignInManager<ItsmSignInManager>()
            .AddDefaultTokenProviders();
        // A sign-in cookie is re-checked against the person's security stamp this often: signing out (which renews the
        // stamp) and a removed account end every session of that person within the interval, not at cookie expiry.
        services.AddScoped<ISecurityStampValidator, SecurityStampValidator<Person>>();
        services.Configure<SecurityStampValidatorOptions>(o =>
            o.ValidationInterval = builder.Configuration.GetValue("Identity:SessionCheckInterval", TimeSpan.FromMinutes(1)));

        // One key ring for every node, kept in the database (see ItsmDbContext.DataProtectionKeys), under a fixed name:
        // without it each node and each release folder made its own, and a cookie or form from one failed on another.
        services.AddDataProtection().SetApplicationName("ItsmWorkflows").PersistKeysToDbContext<ItsmDbContext>();

        var authentication = services.AddAuthentication(o =>
        {
            // Each request is read by the scheme it carries: a personal API token, else the sign-in cookie.
            o.DefaultScheme = ApiTokenAuthentication.Selector;
            o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
        });
        authentication.AddPolicyScheme(ApiTokenAuthentication.Selector, "API token or sign-in cookie", o =>
            o.ForwardDefaultSelector = context => ApiTokenAuthentication.TokenOf(context.Request) is null ? IdentityConstants.ApplicationScheme : ApiTokenAuthentication.SchemeName);
        authentication.AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        authentication.AddCookie(IdentityConstants.ApplicationScheme, o =>
        {
            o.Cookie.Name = "itsm.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/signin";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            // An API caller gets a status code, not a redirect to a page it cannot use.
            o.Events.OnValidatePrincipal = ValidateWhenDueAsync;
            o.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Deny(context, StatusCodes.Status403Forbidden);
        });
        authentication.AddCookie(IdentityConstants.ExternalScheme);
        // Not used for sign-in, but a session whose stamp no longer matches is signed out of every Identity scheme.
        authentication.AddCookie(IdentityConstants.TwoFactorRememberMeScheme);
        authentication.AddCookie(IdentityConstants.TwoFactorUserIdScheme);
        // After the cookie handler's own post-configuration, which creates the Data Protection ticket format this wraps.
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .PostConfigure<TimeProvider>((o, time) => o.TicketDataFormat = new CachedTicketFormat(o.TicketDataFormat, time));

        var oidc = builder.Configuration.GetSection("Authentication:OpenIdConnect");
        if (!string.IsNullOrWhiteSpace(oidc["Authority"]))
        {
            authentication.AddOpenIdConnect(OpenIdConnectDefaults.AuthenticationScheme, o =>
            {
                o.SignInScheme = IdentityConstants.ExternalScheme;
                o.Authority = oidc["Authority"];
                o.ClientId = oidc["ClientId"];
                o.ClientSecret = oidc["ClientSecret"];
                o.ResponseType = "code";
                // Only for a provider on this machine or a test one: anywhere else its metadata comes over https.
                o.RequireHttpsMetadata = oidc.GetValue("RequireHttpsMetadata", true);
                o.SaveTokens = false;
                o.Scope.Add("email");
                o.Scope.Add("profile");
            });
        }
        services.AddAuthorization(Policies.Configure);
        return builder;
    }

    /// <summary>
    /// Identity's security-stamp check, asked only when it is due: between checks the validator finds nothing to do, but
    /// building it (with the sign-in and user managers it needs) on every request was about 5 % of an API resume's CPU
    /// (perf, 2026-11-28). Due exactly when the validator itself would check: no issue time, or older than the interval.
    /// </summary>
    private static Task ValidateWhenDueAsync(CookieValidatePrincipalContext context)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityStampValidatorOptions>>().Value;
        var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        if (context.Properties.IssuedUtc is { } issued && now - issued <= options.ValidationInterval) return Task.CompletedTask;
        return SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // The jobs dashboard is a page: a browser not signed in goes to the sign-in page, as for the portal; a script
        // (or a signed-in person without the role) gets the status.
        var dashboardPage = context.Request.Path.StartsWithSegments("/ops") && status == StatusCodes.Status401Unauthorized
            && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        if (!dashboardPage && (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/account") || context.Request.Path.StartsWithSegments("/ops") || context.Request.Path.StartsWithSegments("/hubs")))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
