using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// An OpenID Connect provider on a loopback port, as much of one as the authorization-code flow needs: discovery, its
/// signing key, an authorize endpoint that answers for the person the test chose (instead of a login form), and a token
/// endpoint that redeems the code for an ID token signed RS256 with the nonce the server asked for.
/// </summary>
internal sealed class FakeOpenIdProvider : IAsyncDisposable
{
    private static readonly string[] ResponseTypes = ["code"];
    private static readonly string[] SubjectTypes = ["public"];
    private static readonly string[] SigningAlgorithms = ["RS256"];

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string Nonce, string ClientId)> _codes = new();

    public string Authority { get; private set; } = "";

    /// <summary>Who the next sign-in is: the claims the ID token carries besides the protocol's own.</summary>
    public Dictionary<string, object> Person { get; } = [];

    private FakeOpenIdProvider(WebApplication app) => _app = app;

    public static async Task<FakeOpenIdProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var provider = new FakeOpenIdProvider(builder.Build());
        provider.Map();
        await provider._app.StartAsync();
        provider.Authority = provider._app.Urls.First().TrimEnd('/');
        return provider;
    }

    private void Map()
    {
        var signing = new RsaSecurityKey(_key) { KeyId = "test-key" };
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = Authority + "/authorize",
            ["token_endpoint"] = Authority + "/token",
            ["jwks_uri"] = Authority + "/jwks",
            ["response_types_supported"] = ResponseTypes,
            ["subject_types_supported"] = SubjectTypes,
            ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
        }));
        _app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(signing);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        // Answers at once for Person, as a provider does once its user has signed in: a code to the redirect URI.
        _app.MapGet("/authorize", (HttpRequest request) =>
        {
            var code = Guid.NewGuid().ToString("N");
            _codes[code] = (request.Query["nonce"].ToString(), request.Query["client_id"].ToString());
            return Results.Json(new { redirect_uri = request.Query["redirect_uri"].ToString(), code, state = request.Query["state"].ToString(), response_mode = request.Query["response_mode"].ToString() });
        });
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (!_codes.TryRemove(form["code"].ToString(), out var issued)) return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var claims = new Dictionary<string, object>(Person) { ["nonce"] = issued.Nonce };
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Authority,
                Audience = issued.ClientId,
                Subject = new ClaimsIdentity([new Claim("sub", Person.TryGetValue("sub", out var sub) ? sub.ToString()! : "subject")]),
                Claims = claims,
                IssuedAt = DateTime.UtcNow,
                NotBefore = DateTime.UtcNow.AddMinutes(-1),
                Expires = DateTime.UtcNow.AddMinutes(5),
                SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { access_token = "access", token_type = "Bearer", expires_in = 300, id_token = idToken });
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
