using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Authorization;

namespace ItsmWorkflows.Server.Identity;

/// <summary>Who may call what. Every endpoint names one of these, or is explicitly anonymous.</summary>
internal static class Policies
{
    /// <summary>Design, edit, publish, retire, import and export definitions.</summary>
    public const string DesignWorkflows = "design-workflows";

    /// <summary>Start instances directly through the API, and read definitions (staff: agents, process owners, admins).</summary>
    public const string StartWorkflows = "start-workflows";

    /// <summary>See every instance, resume bookmarks, cancel, retry incidents.</summary>
    public const string OperateWorkflows = "operate-workflows";

    public const string Admin = "admin";

    /// <summary>Any signed-in person.</summary>
    public const string SignedIn = "signed-in";

    public static void Configure(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        options.AddPolicy(DesignWorkflows, p => p.RequireRole(Roles.ProcessOwner, Roles.Admin));
        options.AddPolicy(StartWorkflows, p => p.RequireRole(Roles.ProcessOwner, Roles.Admin, Roles.Agent));
        options.AddPolicy(OperateWorkflows, p => p.RequireRole(Roles.ProcessOwner, Roles.Admin));
        options.AddPolicy(Admin, p => p.RequireRole(Roles.Admin));
        // Anything that forgot to declare a policy still requires a signed-in caller.
        options.FallbackPolicy = options.GetPolicy(SignedIn);
    }

    /// <summary>Who a policy admits, in words for an error message; null for one that any signed-in person meets.</summary>
    public static string? WhoMay(string policy) => policy switch
    {
        DesignWorkflows or OperateWorkflows => "process owners and administrators",
        StartWorkflows => "agents, process owners and administrators",
        Admin => "administrators",
        _ => null,
    };
}
