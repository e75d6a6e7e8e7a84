using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ItsmWorkflows.Server.Api;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// The Idempotency-Key a webhook sender puts on a request so that its retries are safe (as Stripe's and the IETF
/// draft's): read and checked, and hashed with what it is scoped to. The key is a sender's secret-ish delivery id:
/// it is never stored, logged or echoed back, only its hash.
/// </summary>
internal static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    /// <summary>The name some senders use.</summary>
    public const string AlternateHeader = "X-Idempotency-Key";

    /// <summary>As long as the keys well-known senders use (Stripe's go to 255).</summary>
    public const int MaxLength = 255;

    /// <summary>The key a request carries, or null without one; a malformed key is refused (400) before anything runs.</summary>
    public static string? Read(HttpRequest request)
    {
        var values = request.Headers[Header].Concat(request.Headers[AlternateHeader]).Distinct(StringComparer.Ordinal).ToList();
        if (values.Count == 0) return null;
        if (values.Count > 1)
        {
            throw ProblemException.BadRequest($"The request carries more than one idempotency key (several {Header} or {AlternateHeader} values that differ); send one key, in one of the two headers.");
        }
        var key = values[0] ?? "";
        var problem = key.Length == 0 ? "is empty"
            : key.Length > MaxLength ? $"is {key.Length} characters long"
            : !key.All(c => c is >= ' ' and <= '~') ? "has a character that is not printable ASCII"
            : char.IsWhiteSpace(key[0]) || char.IsWhiteSpace(key[^1]) ? "starts or ends with a space"
            : null;
        if (problem is null) return key;
        throw ProblemException.BadRequest(
            $"An {Header} (or {AlternateHeader}) is 1 to {MaxLength} printable ASCII characters (letters, digits, punctuation, spaces inside), such as a UUID; this one {problem}. Send a valid key, or none.");
    }

    /// <summary>
    /// What a key is scoped to, hashed with it: the route it was sent to and who sent it (the person, for a signed-in
    /// caller or an API token). Anonymous callers cannot be told apart, so for them the request itself is part of the
    /// scope: anyone could otherwise send a guessed key first (delivery ids are often sequential) with any body, and the
    /// real sender's request would be refused as "a different request" and dropped. For them a key deduplicates an
    /// identical request only, and a different one simply runs.
    /// </summary>
    public static string Scope(ClaimsPrincipal caller, string route, string key, string requestHash)
    {
        var who = caller.Identity?.IsAuthenticated == true
            ? "person:" + (caller.FindFirstValue(ClaimTypes.NameIdentifier) ?? caller.Identity.Name)
            : "anonymous:" + requestHash;
        return Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"webhook\n{who}\n{route}\n{key}")));
    }

    /// <summary>The request a key was first used for: method, path and query, and body. A repeat must hash the same.</summary>
    public static string RequestHash(string method, string route, string? query, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{method}\n{route}{query}\n"));
        hash.AppendData(body);
        return Hex(hash.GetHashAndReset());
    }

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
