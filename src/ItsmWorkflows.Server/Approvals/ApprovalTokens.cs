using System.Security.Cryptography;
using System.Text;

namespace ItsmWorkflows.Server.Approvals;

/// <summary>256-bit random tokens (approval links; API tokens behind their prefix); the database keeps only their SHA-256.</summary>
internal static class ApprovalTokens
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A token as we issue them: 43 URL-safe characters. Anything else is not looked up at all.</summary>
    public static bool LooksValid(string? token) => token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
