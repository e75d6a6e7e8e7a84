namespace ItsmWorkflows.Server.Identity;

/// <summary>The embedded default seeds demo people and offers a password-less demo sign-in. Never enable it in production.</summary>
internal sealed class DemoOptions
{
    public bool Enabled { get; set; }
}
