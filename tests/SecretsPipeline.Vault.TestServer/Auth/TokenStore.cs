namespace SecretsPipeline.Vault.TestServer;

/// <summary>A snapshot of a token. <see cref="ExpireTime"/> is null for tokens without a TTL (the root token).</summary>
public sealed record TokenInfo(
    string Id,
    string Accessor,
    IReadOnlyList<string> Policies,
    IReadOnlyDictionary<string, string>? Metadata,
    string Path,
    DateTimeOffset IssueTime,
    DateTimeOffset? ExpireTime,
    bool Renewable,
    bool Revoked,
    int RenewCount);

internal sealed class TokenEntry
{
    public required string Id { get; init; }

    public string Accessor { get; } = GoFormat.RandomString(24);

    public string EntityId { get; init; } = "";

    public required IReadOnlyList<string> Policies { get; init; }

    public Dictionary<string, string>? Metadata { get; init; }

    public required string Path { get; init; }

    public string DisplayName { get; init; } = "token";

    public required DateTimeOffset IssueTime { get; init; }

    /// <summary>The TTL the token was created with (the renewal default); zero means no expiry.</summary>
    public TimeSpan CreationTtl { get; init; }

    public TimeSpan MaxTtl { get; init; }

    public DateTimeOffset? ExpireTime { get; set; }

    public DateTimeOffset? LastRenewal { get; set; }

    public bool Renewable { get; init; }

    public bool Orphan { get; init; }

    public bool Revoked { get; set; }

    public int RenewCount { get; set; }

    public bool IsAlive(DateTimeOffset now) => !Revoked && (ExpireTime is null || now < ExpireTime);

    public TokenInfo Snapshot() => new(Id, Accessor, Policies, Metadata, Path, IssueTime, ExpireTime, Renewable, Revoked, RenewCount);
}

/// <summary>Server-wide tokens. The root token (<see cref="FakeVaultOptions.RootToken"/>) never expires; logins mint <c>hvs.</c> tokens.</summary>
public sealed class TokenStore
{
    private readonly FakeVaultState _state;
    private readonly Dictionary<string, TokenEntry> _tokens = new(StringComparer.Ordinal);

    internal TokenStore(FakeVaultState state)
    {
        _state = state;
        var root = new TokenEntry
        {
            Id = state.Options.RootToken,
            Policies = ["root"],
            Path = "auth/token/root",
            DisplayName = "root",
            IssueTime = state.Now,
            Orphan = true,
        };
        _tokens[root.Id] = root;
    }

    public IReadOnlyList<TokenInfo> All
    {
        get
        {
            lock (_state.Sync)
            {
                return [.. _tokens.Values.Select(t => t.Snapshot())];
            }
        }
    }

    /// <summary>Creates a service token (like <c>auth/token/create</c>) and returns its id. A zero or null TTL means no expiry.</summary>
    public string Create(TimeSpan? ttl = null, IEnumerable<string>? policies = null, bool renewable = true, TimeSpan? maxTtl = null, IReadOnlyDictionary<string, string>? metadata = null, string? id = null)
    {
        lock (_state.Sync)
        {
            return Issue("auth/token/create", policies ?? ["default"], metadata, ttl ?? TimeSpan.Zero, maxTtl ?? TimeSpan.Zero, renewable, id).Id;
        }
    }

    public TokenInfo? Lookup(string token)
    {
        lock (_state.Sync)
        {
            return _tokens.GetValueOrDefault(token)?.Snapshot();
        }
    }

    public bool IsValid(string token)
    {
        lock (_state.Sync)
        {
            return Find(token, _state.Now) is not null;
        }
    }

    /// <summary>Revokes the token and every lease it created, in every namespace.</summary>
    public void Revoke(string token)
    {
        lock (_state.Sync)
        {
            if (_tokens.TryGetValue(token, out var entry))
            {
                entry.Revoked = true;
                _state.RevokeLeasesOf(token);
            }
        }
    }

    internal TokenEntry? Find(string? token, DateTimeOffset now) =>
        token is not null && _tokens.TryGetValue(token, out var entry) && entry.IsAlive(now) ? entry : null;

    internal bool IsAlive(string token, DateTimeOffset now) => Find(token, now) is not null;

    internal TokenEntry Issue(string path, IEnumerable<string> policies, IReadOnlyDictionary<string, string>? metadata, TimeSpan ttl, TimeSpan maxTtl, bool renewable, string? id = null, string displayName = "token")
    {
        var now = _state.Now;
        var entry = new TokenEntry
        {
            Id = id ?? "hvs." + GoFormat.RandomString(24),
            EntityId = GoFormat.Uuid(),
            Policies = [.. policies.Append("default").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Metadata = metadata is null ? null : new Dictionary<string, string>(metadata),
            Path = path,
            DisplayName = displayName,
            IssueTime = now,
            CreationTtl = ttl,
            MaxTtl = maxTtl,
            ExpireTime = ttl > TimeSpan.Zero ? now + ttl : null,
            Renewable = renewable && ttl > TimeSpan.Zero,
            Orphan = true,
        };
        _tokens[entry.Id] = entry;
        return entry;
    }
}
