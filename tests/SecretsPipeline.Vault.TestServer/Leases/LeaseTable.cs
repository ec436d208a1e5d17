namespace SecretsPipeline.Vault.TestServer;

/// <summary>A snapshot of a lease. A lease is active while not revoked, not expired, and its creating token is alive.</summary>
public sealed record LeaseInfo(
    string LeaseId,
    DateTimeOffset IssueTime,
    DateTimeOffset ExpireTime,
    DateTimeOffset? LastRenewal,
    bool Renewable,
    bool Revoked,
    DateTimeOffset? RevokedAt,
    int RenewCount,
    IReadOnlyDictionary<string, string> Data);

internal sealed class LeaseEntry
{
    public required string Id { get; init; }

    public required DateTimeOffset IssueTime { get; init; }

    public required DateTimeOffset ExpireTime { get; set; }

    public DateTimeOffset? LastRenewal { get; set; }

    public bool Renewable { get; init; }

    public TimeSpan DefaultTtl { get; init; }

    public TimeSpan MaxTtl { get; init; }

    public string? CreatorToken { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public int RenewCount { get; set; }

    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    public LeaseInfo Snapshot() =>
        new(Id, IssueTime, ExpireTime, LastRenewal, Renewable, RevokedAt is not null, RevokedAt, RenewCount, Data);
}

/// <summary>One namespace's leases (<c>sys/leases/*</c>, spec §4).</summary>
public sealed class LeaseTable
{
    private readonly FakeVaultState _state;
    private readonly Dictionary<string, LeaseEntry> _leases = new(StringComparer.Ordinal);

    internal LeaseTable(FakeVaultState state) => _state = state;

    /// <summary>Leases not revoked, not expired, and whose creating token is still alive.</summary>
    public IReadOnlyList<LeaseInfo> Active => Locked(() => (IReadOnlyList<LeaseInfo>)[.. _leases.Values.Where(l => IsActive(l, _state.Now)).Select(l => l.Snapshot())]);

    /// <summary>Every lease ever issued in this namespace, revoked and expired ones included.</summary>
    public IReadOnlyList<LeaseInfo> All => Locked(() => (IReadOnlyList<LeaseInfo>)[.. _leases.Values.Select(l => l.Snapshot())]);

    public LeaseInfo? Find(string leaseId) => Locked(() => _leases.GetValueOrDefault(leaseId)?.Snapshot());

    /// <summary>Seeds a lease directly (not tied to a token). A null <paramref name="maxTtl"/> means the system max.</summary>
    public string Add(string leaseId, TimeSpan ttl, TimeSpan? maxTtl = null, bool renewable = true, IReadOnlyDictionary<string, string>? data = null) =>
        Locked(() => Register(leaseId, ttl, maxTtl ?? TimeSpan.Zero, renewable, null, data ?? new Dictionary<string, string>()).Id);

    public void Revoke(string leaseId) => Locked(() => RevokeNow(leaseId));

    public int RevokePrefix(string prefix) => Locked(() => RevokeByPrefix(prefix));

    internal LeaseEntry Register(string id, TimeSpan ttl, TimeSpan maxTtl, bool renewable, string? creatorToken, IReadOnlyDictionary<string, string> data)
    {
        var now = _state.Now;
        var entry = new LeaseEntry
        {
            Id = id,
            IssueTime = now,
            ExpireTime = now + ttl,
            Renewable = renewable,
            DefaultTtl = ttl,
            MaxTtl = maxTtl,
            CreatorToken = creatorToken,
            Data = data,
        };
        _leases[id] = entry;
        return entry;
    }

    internal LeaseEntry? Get(string id) => _leases.GetValueOrDefault(id);

    internal bool IsActive(LeaseEntry lease, DateTimeOffset now) =>
        lease.RevokedAt is null
        && now < lease.ExpireTime
        && (lease.CreatorToken is null || _state.Tokens.IsAlive(lease.CreatorToken, now));

    internal IEnumerable<LeaseEntry> ActiveEntries(DateTimeOffset now) => _leases.Values.Where(l => IsActive(l, now));

    internal bool RevokeNow(string id)
    {
        if (_leases.TryGetValue(id, out var lease) && lease.RevokedAt is null)
        {
            lease.RevokedAt = _state.Now;
            return true;
        }

        return false;
    }

    internal int RevokeByPrefix(string prefix) =>
        _leases.Keys.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList().Count(RevokeNow);

    internal void RevokeCreatedBy(string token)
    {
        foreach (var lease in _leases.Values.Where(l => l.CreatorToken == token).ToList())
        {
            RevokeNow(lease.Id);
        }
    }

    private T Locked<T>(Func<T> action)
    {
        lock (_state.Sync)
        {
            return action();
        }
    }
}
