using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>
/// A KV v2 mount. The public members seed and inspect it directly (no CAS checks); the HTTP handlers
/// use the same retention rules (spec §3.7, §3.8): pruning at write time, <c>delete_version_after</c>, soft delete.
/// </summary>
public sealed class KvMount
{
    private readonly FakeVaultState _state;
    private readonly SortedDictionary<string, KvKey> _keys = new(StringComparer.Ordinal);
    private int _maxVersions;
    private bool _casRequired;
    private TimeSpan _deleteVersionAfter;

    internal KvMount(FakeVaultState state, string path)
    {
        _state = state;
        Path = path;
    }

    /// <summary>The mount path without slashes, e.g. <c>secret</c>.</summary>
    public string Path { get; }

    /// <summary>Mount config <c>max_versions</c>; 0 means the default (<see cref="FakeVaultOptions.DefaultMaxVersions"/>).</summary>
    public int MaxVersions { get => Locked(() => _maxVersions); set => Locked(() => _maxVersions = value); }

    public bool CasRequired { get => Locked(() => _casRequired); set => Locked(() => _casRequired = value); }

    /// <summary>Mount config <c>delete_version_after</c>: zero unset, negative disables it for every key.</summary>
    public TimeSpan DeleteVersionAfter { get => Locked(() => _deleteVersionAfter); set => Locked(() => _deleteVersionAfter = value); }

    public IReadOnlyList<string> Paths => Locked(() => (IReadOnlyList<string>)[.. _keys.Keys]);

    public int Write(string path, IReadOnlyDictionary<string, string> data) =>
        Write(path, new JsonObject(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))));

    /// <summary>Adds a version (no CAS check) and returns its number; prunes like a real write.</summary>
    public int Write(string path, JsonObject data) => Locked(() =>
    {
        var now = _state.Now;
        return AddVersion(GetOrCreate(path, now), (JsonObject)data.DeepClone(), now).Number;
    });

    /// <summary>The stored version regardless of deletion (0 = current); null when missing or pruned.</summary>
    public KvVersionInfo? Read(string path, int version = 0) => Locked(() =>
    {
        var key = Find(path);
        return key is not null && key.Versions.TryGetValue(version > 0 ? version : key.CurrentVersion, out var v) ? v.Snapshot() : null;
    });

    public KvKeyInfo? GetKey(string path) => Locked(() => Find(path)?.Snapshot());

    /// <summary>Like <c>POST metadata/&lt;path&gt;</c>: creates the key's metadata if needed, never a version.</summary>
    public void ConfigureKey(string path, int? maxVersions = null, bool? casRequired = null, TimeSpan? deleteVersionAfter = null, IReadOnlyDictionary<string, string>? customMetadata = null) => Locked(() =>
    {
        var key = GetOrCreate(path, _state.Now);
        key.MaxVersions = maxVersions ?? key.MaxVersions;
        key.CasRequired = casRequired ?? key.CasRequired;
        key.DeleteVersionAfter = deleteVersionAfter ?? key.DeleteVersionAfter;
        key.CustomMetadata = customMetadata is null ? key.CustomMetadata : new Dictionary<string, string>(customMetadata);
    });

    public void DeleteVersions(string path, params int[] versions) => Locked(() => SoftDelete(Find(path), versions.Select(v => (long)v)));

    public void UndeleteVersions(string path, params int[] versions) => Locked(() => Undelete(Find(path), versions.Select(v => (long)v)));

    public void DestroyVersions(string path, params int[] versions) => Locked(() => Destroy(Find(path), versions.Select(v => (long)v)));

    /// <summary>Sets a version's deletion time directly (e.g. to simulate an expired <c>delete_version_after</c>).</summary>
    public void SetDeletionTime(string path, int version, DateTimeOffset? deletionTime) => Locked(() =>
    {
        if (Find(path)?.Versions.TryGetValue(version, out var v) == true)
        {
            v.DeletionTime = deletionTime;
        }
    });

    public void DeleteMetadata(string path) => Locked(() => _keys.Remove(path));

    internal KvKey? Find(string path) => _keys.GetValueOrDefault(path);

    internal KvKey GetOrCreate(string path, DateTimeOffset now)
    {
        if (!_keys.TryGetValue(path, out var key))
        {
            key = new KvKey { Path = path, CreatedTime = now, UpdatedTime = now };
            _keys[path] = key;
        }

        return key;
    }

    internal void Remove(string path) => _keys.Remove(path);

    /// <summary><c>KeyMetadata.AddVersion</c>: effective max is max(key, mount) or the default; prune what falls out.</summary>
    internal KvVersion AddVersion(KvKey key, JsonObject data, DateTimeOffset now)
    {
        key.CurrentVersion++;
        var version = new KvVersion { Number = key.CurrentVersion, Data = data, CreatedTime = now, DeletionTime = DeletionTimeFrom(key, now) };
        key.Versions[version.Number] = version;
        key.UpdatedTime = now;
        var max = Math.Max(key.MaxVersions, _maxVersions);
        max = max > 0 ? max : _state.Options.DefaultMaxVersions;
        if (key.CurrentVersion - key.OldestVersion >= max)
        {
            var pruneThrough = key.CurrentVersion - max;
            foreach (var old in key.Versions.Keys.Where(n => n <= pruneThrough).ToList())
            {
                key.Versions.Remove(old);
            }

            key.OldestVersion = pruneThrough + 1;
        }

        return version;
    }

    /// <summary><c>deletionTime()</c>: the smaller non-zero of mount and key <c>delete_version_after</c>; none when the mount disables it.</summary>
    internal DateTimeOffset? DeletionTimeFrom(KvKey key, DateTimeOffset from)
    {
        if (_deleteVersionAfter < TimeSpan.Zero || (_deleteVersionAfter == TimeSpan.Zero && key.DeleteVersionAfter == TimeSpan.Zero))
        {
            return null;
        }

        var min = key.DeleteVersionAfter;
        if ((_deleteVersionAfter != TimeSpan.Zero && _deleteVersionAfter < min) || min == TimeSpan.Zero)
        {
            min = _deleteVersionAfter;
        }

        return from + min;
    }

    internal void SoftDelete(KvKey? key, IEnumerable<long> versions)
    {
        var now = _state.Now;
        foreach (var number in versions)
        {
            if (key?.Versions.GetValueOrDefault((int)number) is { Destroyed: false } v && !v.IsDeleted(now))
            {
                v.DeletionTime = now;
            }
        }
    }

    /// <summary>Clears the deletion time; with <c>delete_version_after</c> in effect a new timer starts from now (§3.7).</summary>
    internal void Undelete(KvKey? key, IEnumerable<long> versions)
    {
        foreach (var number in versions)
        {
            if (key?.Versions.GetValueOrDefault((int)number) is { Destroyed: false } v)
            {
                v.DeletionTime = DeletionTimeFrom(key, _state.Now);
            }
        }
    }

    internal void Destroy(KvKey? key, IEnumerable<long> versions)
    {
        foreach (var number in versions)
        {
            if (key?.Versions.GetValueOrDefault((int)number) is { } v)
            {
                v.Destroyed = true;
                v.Data = null;
            }
        }
    }

    /// <summary>LIST semantics: immediate children of <paramref name="prefix"/>, folders with a trailing slash.</summary>
    internal List<string> List(string prefix) =>
    [
        .. _keys.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.Length > prefix.Length)
            .Select(k => k[prefix.Length..] is var rest && rest.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? rest[..(slash + 1)] : k[prefix.Length..])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];

    private T Locked<T>(Func<T> action)
    {
        lock (_state.Sync)
        {
            return action();
        }
    }

    private void Locked(Action action)
    {
        lock (_state.Sync)
        {
            action();
        }
    }
}
