using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.Tests.Support;

/// <summary>Compact ES256 JWTs signed with a key the test registers on the fake Vault's JWT auth mount.</summary>
internal static class Jwts
{
    public const string Issuer = "https://token.actions.githubusercontent.com";
    public const string Audience = "https://github.com/acme";
    public const string Repository = "acme/payments";

    public static string Sign(ECDsa key, JsonObject claims)
    {
        var header = Segment(new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = "test" });
        var payload = Segment(claims);
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>Claims shaped like a GitHub Actions OIDC token of <see cref="Repository"/> on main.</summary>
    public static JsonObject GitHubClaims(string audience = Audience, string repository = Repository)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = $"repo:{repository}:ref:refs/heads/main",
            ["aud"] = audience,
            ["repository"] = repository,
            ["repository_owner"] = repository.Split('/')[0],
            ["ref"] = "refs/heads/main",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
        };
    }

    private static string Segment(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
