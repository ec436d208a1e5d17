using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>A JWT auth role (<c>role_type=jwt</c>). Leeways of zero mean the library defaults (150 s for a missing exp/nbf, 60 s clock skew); negative means none.</summary>
public sealed class JwtRole
{
    public string RoleType { get; init; } = "jwt";

    public IReadOnlyList<string> BoundAudiences { get; init; } = [];

    public string? BoundSubject { get; init; }

    /// <summary>Claim (or JSON pointer such as <c>/nested/claim</c>) → a string or a list of strings; any match passes.</summary>
    public IReadOnlyDictionary<string, object> BoundClaims { get; init; } = new Dictionary<string, object>();

    /// <summary><c>string</c> (exact) or <c>glob</c> (<c>*</c> wildcards).</summary>
    public string BoundClaimsType { get; init; } = "string";

    public string UserClaim { get; init; } = "sub";

    /// <summary>Claim → token metadata key.</summary>
    public IReadOnlyDictionary<string, string> ClaimMappings { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> TokenPolicies { get; init; } = [];

    public TimeSpan TokenTtl { get; init; }

    public TimeSpan TokenMaxTtl { get; init; }

    public TimeSpan ExpirationLeeway { get; init; }

    public TimeSpan NotBeforeLeeway { get; init; }

    public TimeSpan ClockSkewLeeway { get; init; }
}

/// <summary>A JWT auth method at <c>auth/&lt;mount&gt;</c> (spec §7.3), validating against public keys the test registers (RS*, PS*, ES*).</summary>
public sealed class JwtAuth
{
    private readonly FakeVaultState _state;
    private readonly List<AsymmetricAlgorithm> _keys = [];
    private readonly Dictionary<string, JwtRole> _roles = new(StringComparer.Ordinal);

    internal JwtAuth(FakeVaultState state, string mountPath)
    {
        _state = state;
        MountPath = mountPath;
    }

    public string MountPath { get; }

    /// <summary>The mount config's <c>bound_issuer</c>; null or empty skips the issuer check.</summary>
    public string? BoundIssuer { get; set; }

    public string? DefaultRole { get; set; }

    /// <summary><c>jwt_supported_algs</c>; empty means RS256/384/512, ES256/384/512, PS256/384/512, EdDSA.</summary>
    public IReadOnlyList<string> SupportedAlgorithms { get; set; } = [];

    /// <summary>False until a key is added: login then fails with <c>could not load configuration</c>.</summary>
    public bool Configured { get; set; }

    /// <summary>Trusts the public part of an <see cref="RSA"/> or <see cref="ECDsa"/> key (the private part is not kept).</summary>
    public void AddKey(AsymmetricAlgorithm key)
    {
        AsymmetricAlgorithm copy = key switch
        {
            RSA rsa => RSA.Create(rsa.ExportParameters(false)),
            ECDsa ecdsa => ECDsa.Create(ecdsa.ExportParameters(false)),
            _ => throw new ArgumentException("Only RSA and ECDsa keys are supported.", nameof(key)),
        };
        lock (_state.Sync)
        {
            _keys.Add(copy);
            Configured = true;
        }
    }

    public void AddRole(string name, JwtRole role)
    {
        lock (_state.Sync)
        {
            _roles[name] = role;
        }
    }

    internal IReadOnlyList<AsymmetricAlgorithm> Keys => _keys;

    /// <summary><c>POST auth/&lt;mount&gt;/login</c>, checks in the plugin's order.</summary>
    internal VaultResponse Login(VaultRequest request)
    {
        if (!Configured)
        {
            return VaultResponse.BadRequest("could not load configuration");
        }

        var roleName = request.GetString("role") is { Length: > 0 } r ? r : DefaultRole ?? "";
        if (roleName.Length == 0)
        {
            return VaultResponse.BadRequest("missing role");
        }

        if (!_roles.TryGetValue(roleName, out var role))
        {
            return VaultResponse.BadRequest($"role \"{roleName}\" could not be found");
        }

        if (role.RoleType == "oidc")
        {
            return VaultResponse.BadRequest("role with oidc role_type is not allowed");
        }

        var jwt = request.GetString("jwt") ?? "";
        if (jwt.Length == 0)
        {
            return VaultResponse.BadRequest("missing token");
        }

        if (JwtValidator.Validate(jwt, this, role, request.Now, out var claims) is { } invalid)
        {
            return VaultResponse.BadRequest($"error validating token: {invalid}");
        }

        // The plugin only sees an audience *list* here: a single-string aud does not trigger this check.
        if (JwtValidator.Claim(claims, "aud") is JsonArray { Count: > 0 } && role.BoundAudiences.Count == 0)
        {
            return VaultResponse.BadRequest("audience claim found in JWT but no audiences bound to the role");
        }

        if (JwtValidator.Identity(claims, role, out var metadata) is { } identityError)
        {
            return VaultResponse.BadRequest(identityError);
        }

        if (JwtValidator.BoundClaims(claims, role) is { } claimsError)
        {
            return VaultResponse.BadRequest($"error validating claims: {claimsError}");
        }

        metadata["role"] = roleName;
        var ttl = role.TokenTtl > TimeSpan.Zero ? role.TokenTtl : _state.Options.SystemDefaultLeaseTtl;
        var token = _state.Tokens.Issue($"auth/{MountPath}/login", role.TokenPolicies, metadata, ttl, role.TokenMaxTtl, renewable: true, displayName: $"{MountPath}-{metadata.GetValueOrDefault("role")}");
        return TokenHandler.Login(token, "jwt");
    }
}
