namespace SecretsPipeline.Vault.TestServer;

/// <summary>One namespace's mounts: KV v2 mounts, <c>database/</c>, <c>transit/</c>, <c>auth/approle</c>, JWT auth mounts, and its leases.</summary>
public sealed class VaultNamespace
{
    private readonly FakeVaultState _state;
    private readonly Dictionary<string, KvMount> _kvMounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JwtAuth> _jwtMounts = new(StringComparer.Ordinal);

    internal VaultNamespace(FakeVaultState state, string path)
    {
        _state = state;
        Path = path;
        Leases = new LeaseTable(state);
        Database = new DatabaseEngine(state, "database");
        Transit = new TransitEngine(state, "transit");
        AppRole = new AppRoleAuth(state);
        foreach (var mount in state.Options.KvMounts)
        {
            AddKvMount(mount);
        }
    }

    /// <summary><c>""</c> for the root namespace, else e.g. <c>ns1/ns2</c>.</summary>
    public string Path { get; }

    public LeaseTable Leases { get; }

    public DatabaseEngine Database { get; }

    public TransitEngine Transit { get; }

    public AppRoleAuth AppRole { get; }

    /// <summary>The JWT auth method at <c>auth/jwt</c>.</summary>
    public JwtAuth Jwt => JwtMount("jwt");

    public IReadOnlyList<string> KvMounts
    {
        get
        {
            lock (_state.Sync)
            {
                return [.. _kvMounts.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The KV v2 mount at <paramref name="mount"/> (<c>"secret"</c> or <c>"secret/"</c>); throws when it is not mounted.</summary>
    public KvMount Kv(string mount)
    {
        lock (_state.Sync)
        {
            return _kvMounts.TryGetValue(mount.Trim('/'), out var kv)
                ? kv
                : throw new KeyNotFoundException($"No KV mount '{mount}' in namespace '{Path}'. Use AddKvMount first.");
        }
    }

    /// <summary>Mounts a KV v2 engine at <paramref name="mount"/> (may contain slashes, e.g. <c>team/kv</c>); returns the existing one if present.</summary>
    public KvMount AddKvMount(string mount)
    {
        var key = mount.Trim('/');
        lock (_state.Sync)
        {
            if (!_kvMounts.TryGetValue(key, out var kv))
            {
                kv = new KvMount(_state, key);
                _kvMounts[key] = kv;
            }

            return kv;
        }
    }

    /// <summary>The JWT auth method mounted at <c>auth/&lt;mount&gt;</c>, created on first use.</summary>
    public JwtAuth JwtMount(string mount)
    {
        var key = mount.Trim('/');
        lock (_state.Sync)
        {
            if (!_jwtMounts.TryGetValue(key, out var jwt))
            {
                jwt = new JwtAuth(_state, key);
                _jwtMounts[key] = jwt;
            }

            return jwt;
        }
    }

    internal bool TryGetJwtMount(string mount, out JwtAuth jwt) => _jwtMounts.TryGetValue(mount, out jwt!);

    /// <summary>The mounted secrets engines as (path with trailing slash, type, KV version or null).</summary>
    internal IEnumerable<(string Path, string Type, string? Version)> Mounts()
    {
        foreach (var kv in _kvMounts.Keys)
        {
            yield return (kv + "/", "kv", "2");
        }

        yield return (Database.MountPath + "/", "database", null);
        yield return (Transit.MountPath + "/", "transit", null);
        yield return ("cubbyhole/", "cubbyhole", null);
        yield return ("sys/", "system", null);
    }

    /// <summary>The KV mount with the longest path that is a prefix of <paramref name="path"/>.</summary>
    internal bool TryFindKvMount(string path, out KvMount mount, out string rest)
    {
        mount = null!;
        rest = "";
        foreach (var (name, kv) in _kvMounts.OrderByDescending(m => m.Key.Length))
        {
            if (path.StartsWith(name + "/", StringComparison.Ordinal))
            {
                mount = kv;
                rest = path[(name.Length + 1)..];
                return true;
            }
        }

        return false;
    }
}
