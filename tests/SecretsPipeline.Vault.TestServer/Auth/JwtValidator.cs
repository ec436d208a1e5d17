using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>JWS compact validation as <c>hashicorp/cap</c> does it, plus the JWT plugin's claim checks. Messages follow the Go libraries.</summary>
internal static class JwtValidator
{
    private static readonly string[] _defaultAlgorithms = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"];

    /// <summary>Returns the error (without the <c>error validating token: </c> prefix) or null with the claims.</summary>
    public static string? Validate(string token, JwtAuth mount, JwtRole role, DateTimeOffset now, out JsonObject claims)
    {
        claims = [];
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return "error verifying token signature: error parsing token: go-jose/go-jose: compact JWS format must have three parts";
        }

        if (ParseSegment(parts[0]) is not JsonObject header || ParseSegment(parts[1]) is not JsonObject payload || !TryBase64Url(parts[2], out var signature))
        {
            return "error verifying token signature: error parsing token: illegal base64 data or invalid JSON";
        }

        var alg = Lenient.AsString(header["alg"]) ?? "";
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (!mount.Keys.Any(key => Verify(key, alg, signed, signature)))
        {
            return "error verifying token signature: no known key successfully validated the token signature";
        }

        var allowed = mount.SupportedAlgorithms.Count > 0 ? mount.SupportedAlgorithms : _defaultAlgorithms;
        if (!allowed.Contains(alg))
        {
            return "invalid algorithm (alg) header parameter: token signed with unexpected algorithm";
        }

        claims = payload;
        if (!string.IsNullOrEmpty(mount.BoundIssuer) && mount.BoundIssuer != Lenient.AsString(payload["iss"]))
        {
            return "invalid issuer (iss) claim";
        }

        if (!string.IsNullOrEmpty(role.BoundSubject) && role.BoundSubject != Lenient.AsString(payload["sub"]))
        {
            return "invalid subject (sub) claim";
        }

        if (role.BoundAudiences.Count > 0 && !role.BoundAudiences.Intersect(Strings(payload["aud"])).Any())
        {
            return "invalid audience (aud) claim: audience claim does not match any expected audience";
        }

        return ValidateTimes(payload, role, now);
    }

    /// <summary>A claim by name, or by JSON pointer when it starts with <c>/</c>.</summary>
    public static JsonNode? Claim(JsonObject claims, string name)
    {
        if (!name.StartsWith('/'))
        {
            return claims[name];
        }

        JsonNode? current = claims;
        foreach (var segment in name[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
        {
            current = current switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count => array[index],
                _ => null,
            };
        }

        return current;
    }

    /// <summary><c>createIdentity</c>: the user claim must be a string; claim mappings become token metadata.</summary>
    public static string? Identity(JsonObject claims, JwtRole role, out Dictionary<string, string> metadata)
    {
        metadata = [];
        var user = Claim(claims, role.UserClaim);
        if (user is null)
        {
            return $"claim \"{role.UserClaim}\" not found in token";
        }

        if (user.GetValueKind() != JsonValueKind.String)
        {
            return $"claim \"{role.UserClaim}\" could not be converted to string";
        }

        foreach (var (source, target) in role.ClaimMappings)
        {
            if (Claim(claims, source) is { } value)
            {
                if (value.GetValueKind() != JsonValueKind.String)
                {
                    return $"error converting claim '{source}' to string";
                }

                metadata[target] = value.GetValue<string>();
            }
        }

        return null;
    }

    /// <summary><c>validateBoundClaims</c>: every bound claim must match one of its values (globs when the type is <c>glob</c>).</summary>
    public static string? BoundClaims(JsonObject claims, JwtRole role)
    {
        foreach (var (name, expected) in role.BoundClaims)
        {
            var actual = Claim(claims, name);
            if (actual is null)
            {
                return $"claim \"{name}\" is missing";
            }

            var expectedValues = expected is string s ? [s] : expected is IEnumerable<string> list ? list.ToList() : [Convert.ToString(expected, System.Globalization.CultureInfo.InvariantCulture) ?? ""];
            var actualValues = Strings(actual);
            var found = expectedValues.Any(e => actualValues.Any(a => role.BoundClaimsType == "glob" ? Glob(e, a) : e == a));
            if (!found)
            {
                return $"claim \"{name}\" does not match any associated bound claim values";
            }
        }

        return null;
    }

    private static string? ValidateTimes(JsonObject payload, JwtRole role, DateTimeOffset now)
    {
        long Seconds(string claim) => payload[claim]?.GetValueKind() == JsonValueKind.Number ? (long)payload[claim]!.GetValue<double>() : 0;
        static long Leeway(TimeSpan value, long defaultSeconds) => value < TimeSpan.Zero ? 0 : value == TimeSpan.Zero ? defaultSeconds : (long)value.TotalSeconds;

        long iat = Seconds("iat"), exp = Seconds("exp"), nbf = Seconds("nbf");
        if (iat == 0 && exp == 0 && nbf == 0)
        {
            return "no issued at (iat), not before (nbf), or expiration time (exp) claims in token";
        }

        exp = exp != 0 ? exp : Math.Max(iat, nbf) + Leeway(role.ExpirationLeeway, 150);
        nbf = nbf != 0 ? nbf : iat != 0 ? iat : exp - Leeway(role.NotBeforeLeeway, 150);
        var skew = Leeway(role.ClockSkewLeeway, 60);
        var nowSeconds = now.ToUnixTimeSeconds();
        return (nowSeconds + skew < nbf, nowSeconds - skew > exp, nowSeconds + skew < iat) switch
        {
            (true, _, _) => "invalid not before (nbf) claim: token not yet valid",
            (_, true, _) => "invalid expiration time (exp) claim: token is expired",
            (_, _, true) => "invalid issued at (iat) claim: token issued in the future",
            _ => null,
        };
    }

    private static bool Verify(AsymmetricAlgorithm key, string alg, byte[] data, byte[] signature)
    {
        var hash = alg.Length == 5 ? alg[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            "512" => HashAlgorithmName.SHA512,
            _ => default,
        } : default;
        return (key, alg[..Math.Min(2, alg.Length)]) switch
        {
            (RSA rsa, "RS") when hash != default => rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1),
            (RSA rsa, "PS") when hash != default => rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pss),
            (ECDsa ecdsa, "ES") when hash != default => ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => false,
        };
    }

    private static List<string> Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => [.. array.Select(Lenient.AsString).OfType<string>()],
        _ => Lenient.AsString(node) is { } single ? [single] : [],
    };

    private static bool Glob(string pattern, string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, "^" + string.Join(".*", pattern.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "$", System.Text.RegularExpressions.RegexOptions.Singleline);

    private static JsonNode? ParseSegment(string segment)
    {
        try
        {
            return TryBase64Url(segment, out var bytes) ? JsonNode.Parse(bytes) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Base64Url.IsValid(text) && Base64Url.TryDecodeFromChars(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
