namespace SecretsPipeline.Vault.Kv;

/// <summary>The key-level metadata (<c>GET &lt;mount&gt;/metadata/&lt;path&gt;</c>).</summary>
public sealed record KvMetadata(
    long CurrentVersion,
    long OldestVersion,
    int MaxVersions,
    TimeSpan DeleteVersionAfter,
    bool CasRequired,
    IReadOnlyList<KvVersion> Versions,
    IReadOnlyDictionary<string, string> CustomMetadata);
