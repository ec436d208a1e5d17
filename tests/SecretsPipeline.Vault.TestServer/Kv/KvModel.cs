using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>A snapshot of one version of a KV v2 secret. <see cref="Data"/> is null once destroyed.</summary>
public sealed record KvVersionInfo(int Version, JsonObject? Data, DateTimeOffset CreatedTime, DateTimeOffset? DeletionTime, bool Destroyed)
{
    /// <summary>A field of the data as a string (null when absent or destroyed).</summary>
    public string? this[string field] => Lenient.AsString(Data?[field]);
}

/// <summary>A snapshot of a KV v2 key's metadata (<c>GET metadata/&lt;path&gt;</c>).</summary>
public sealed record KvKeyInfo(
    string Path,
    int CurrentVersion,
    int OldestVersion,
    int MaxVersions,
    bool CasRequired,
    TimeSpan DeleteVersionAfter,
    IReadOnlyDictionary<string, string>? CustomMetadata,
    DateTimeOffset CreatedTime,
    DateTimeOffset UpdatedTime,
    IReadOnlyList<KvVersionInfo> Versions);

internal sealed class KvVersion
{
    public required int Number { get; init; }

    public JsonObject? Data { get; set; }

    public required DateTimeOffset CreatedTime { get; init; }

    public DateTimeOffset? DeletionTime { get; set; }

    public bool Destroyed { get; set; }

    /// <summary><c>deletionTime.Before(now)</c>: a deletion time in the future does not count (spec §3.3).</summary>
    public bool IsDeleted(DateTimeOffset now) => DeletionTime is { } deleted && deleted < now;

    public KvVersionInfo Snapshot() => new(Number, Data?.DeepClone().AsObject(), CreatedTime, DeletionTime, Destroyed);
}

internal sealed class KvKey
{
    public required string Path { get; init; }

    public required DateTimeOffset CreatedTime { get; init; }

    public DateTimeOffset UpdatedTime { get; set; }

    public int CurrentVersion { get; set; }

    public int OldestVersion { get; set; }

    public int MaxVersions { get; set; }

    public bool CasRequired { get; set; }

    public TimeSpan DeleteVersionAfter { get; set; }

    public Dictionary<string, string>? CustomMetadata { get; set; }

    public SortedDictionary<int, KvVersion> Versions { get; } = [];

    public JsonObject? CustomMetadataJson() =>
        CustomMetadata is null ? null : new JsonObject(CustomMetadata.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));

    /// <summary>The per-version metadata a data read/write returns (flat; §3.1, §3.2).</summary>
    public JsonObject VersionMetadata(KvVersion version) => new()
    {
        ["created_time"] = GoFormat.Time(version.CreatedTime),
        ["custom_metadata"] = CustomMetadataJson(),
        ["deletion_time"] = GoFormat.Time(version.DeletionTime),
        ["destroyed"] = version.Destroyed,
        ["version"] = version.Number,
    };

    public KvKeyInfo Snapshot() => new(
        Path,
        CurrentVersion,
        OldestVersion,
        MaxVersions,
        CasRequired,
        DeleteVersionAfter,
        CustomMetadata is null ? null : new Dictionary<string, string>(CustomMetadata),
        CreatedTime,
        UpdatedTime,
        [.. Versions.Values.Select(v => v.Snapshot())]);
}
