namespace SecretsPipeline.Vault.TestServer;

/// <summary>The AppRole auth method at <c>auth/approle</c> (spec §7.2). Roles and secret IDs are configured by tests.</summary>
public sealed class AppRoleAuth
{
    private readonly FakeVaultState _state;
    private readonly Dictionary<string, AppRole> _rolesById = new(StringComparer.Ordinal);

    internal AppRoleAuth(FakeVaultState state) => _state = state;

    /// <summary>
    /// Adds a role. With <paramref name="secretId"/> a first secret ID is registered; <paramref name="bindSecretId"/> false
    /// allows login with the role ID alone. TTLs of zero mean the system defaults.
    /// </summary>
    public void AddRole(
        string roleName,
        string roleId,
        string? secretId = null,
        IReadOnlyList<string>? policies = null,
        TimeSpan? tokenTtl = null,
        TimeSpan? tokenMaxTtl = null,
        bool bindSecretId = true)
    {
        lock (_state.Sync)
        {
            var role = new AppRole(roleName, policies ?? [], tokenTtl ?? TimeSpan.Zero, tokenMaxTtl ?? TimeSpan.Zero, bindSecretId);
            _rolesById[roleId] = role;
            if (secretId is not null)
            {
                role.SecretIds[secretId] = new AppRoleSecretId(0, null);
            }
        }
    }

    /// <summary>Registers another secret ID for the role with <paramref name="roleId"/>; <paramref name="numUses"/> 0 is unlimited.</summary>
    public void AddSecretId(string roleId, string secretId, int numUses = 0, TimeSpan? ttl = null)
    {
        lock (_state.Sync)
        {
            _rolesById[roleId].SecretIds[secretId] = new AppRoleSecretId(numUses, ttl is { } t ? _state.Now + t : null);
        }
    }

    /// <summary><c>POST auth/approle/login</c>.</summary>
    internal VaultResponse Login(VaultRequest request)
    {
        var roleId = (request.GetString("role_id") ?? "").Trim();
        if (roleId.Length == 0)
        {
            return VaultResponse.BadRequest("missing role_id");
        }

        if (!_rolesById.TryGetValue(roleId, out var role))
        {
            return VaultResponse.BadRequest("invalid role or secret ID");
        }

        if (role.BindSecretId)
        {
            var secretId = (request.GetString("secret_id") ?? "").Trim();
            if (secretId.Length == 0)
            {
                return VaultResponse.BadRequest("missing secret_id");
            }

            if (!role.SecretIds.TryGetValue(secretId, out var entry) || entry.ExpiresAt <= request.Now || entry.UsesLeft < 0)
            {
                return VaultResponse.BadRequest("invalid role or secret ID");
            }

            if (entry.UsesLeft > 0)
            {
                role.SecretIds[secretId] = entry.UsesLeft == 1 ? entry with { UsesLeft = -1 } : entry with { UsesLeft = entry.UsesLeft - 1 };
            }
        }

        var ttl = role.TokenTtl > TimeSpan.Zero ? role.TokenTtl : _state.Options.SystemDefaultLeaseTtl;
        var token = _state.Tokens.Issue(
            "auth/approle/login",
            role.Policies,
            new Dictionary<string, string> { ["role_name"] = role.Name },
            ttl,
            role.TokenMaxTtl,
            renewable: true,
            displayName: "approle");
        return TokenHandler.Login(token, "approle");
    }

    private sealed record AppRole(string Name, IReadOnlyList<string> Policies, TimeSpan TokenTtl, TimeSpan TokenMaxTtl, bool BindSecretId)
    {
        public Dictionary<string, AppRoleSecretId> SecretIds { get; } = new(StringComparer.Ordinal);
    }

    /// <summary><see cref="UsesLeft"/>: 0 unlimited, -1 used up.</summary>
    private sealed record AppRoleSecretId(int UsesLeft, DateTimeOffset? ExpiresAt);
}
