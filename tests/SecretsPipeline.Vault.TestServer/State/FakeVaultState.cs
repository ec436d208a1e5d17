namespace SecretsPipeline.Vault.TestServer;

/// <summary>
/// Everything the fake server knows, for direct seeding and inspection by tests. Members without a namespace
/// argument act on the root namespace; <see cref="Namespace"/> reaches the others (<c>X-Vault-Namespace</c>).
/// Tokens are server-wide. All members are thread-safe.
/// </summary>
public sealed class FakeVaultState
{
    private readonly Dictionary<string, VaultNamespace> _namespaces = new(StringComparer.Ordinal);
    private volatile bool _sealed;
    private volatile bool _standby;

    internal FakeVaultState(FakeVaultOptions options)
    {
        Options = options;
        Tokens = new TokenStore(this);
        Root = Namespace("");
    }

    public VaultNamespace Root { get; }

    public TokenStore Tokens { get; }

    /// <summary>The server's clock (<see cref="FakeVaultOptions.TimeProvider"/>).</summary>
    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    /// <summary>When true every request except <c>sys/health</c> gets 503 <c>Vault is sealed</c>, and <c>sys/health</c> reports sealed.</summary>
    public bool Sealed
    {
        get => _sealed;
        set => _sealed = value;
    }

    /// <summary>When true <c>sys/health</c> reports a standby (429 by default).</summary>
    public bool Standby
    {
        get => _standby;
        set => _standby = value;
    }

    public IReadOnlyList<string> Namespaces
    {
        get
        {
            lock (Sync)
            {
                return [.. _namespaces.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    public LeaseTable Leases => Root.Leases;

    public DatabaseEngine Database => Root.Database;

    public TransitEngine Transit => Root.Transit;

    public AppRoleAuth AppRole => Root.AppRole;

    public JwtAuth Jwt => Root.Jwt;

    /// <summary>Active leases of every namespace.</summary>
    public IReadOnlyList<LeaseInfo> ActiveLeasesInAllNamespaces
    {
        get
        {
            lock (Sync)
            {
                return [.. _namespaces.Values.SelectMany(n => n.Leases.Active)];
            }
        }
    }

    internal Lock Sync { get; } = new();

    internal Dictionary<string, WrappedResponse> WrappedResponses { get; } = new(StringComparer.Ordinal);

    internal FakeVaultOptions Options { get; }

    public KvMount Kv(string mount) => Root.Kv(mount);

    public KvMount AddKvMount(string mount) => Root.AddKvMount(mount);

    public JwtAuth JwtMount(string mount) => Root.JwtMount(mount);

    /// <summary>The namespace at <paramref name="path"/> (<c>"ns1/ns2"</c>, slashes optional), created on first use.</summary>
    public VaultNamespace Namespace(string path)
    {
        var key = Normalize(path);
        lock (Sync)
        {
            if (!_namespaces.TryGetValue(key, out var ns))
            {
                ns = new VaultNamespace(this, key);
                _namespaces[key] = ns;
            }

            return ns;
        }
    }

    internal void RevokeLeasesOf(string token)
    {
        lock (Sync)
        {
            foreach (var ns in _namespaces.Values)
            {
                ns.Leases.RevokeCreatedBy(token);
            }
        }
    }

    /// <summary>Combines the namespace header with leading path segments naming a known child namespace (<c>ns1/secret/foo</c>).</summary>
    internal (string Namespace, string Path) ResolveNamespace(string header, string path)
    {
        var ns = Normalize(header);
        lock (Sync)
        {
            while (path.IndexOf('/', StringComparison.Ordinal) is var slash and > 0)
            {
                var candidate = ns.Length == 0 ? path[..slash] : $"{ns}/{path[..slash]}";
                if (!_namespaces.ContainsKey(candidate))
                {
                    break;
                }

                ns = candidate;
                path = path[(slash + 1)..];
            }
        }

        return (ns, path);
    }

    private static string Normalize(string path) => path.Trim().Trim('/');
}
