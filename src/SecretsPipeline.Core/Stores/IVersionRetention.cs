using SecretsPipeline.Core.Manifest;

namespace SecretsPipeline.Core.Stores;

/// <summary>Implemented by stores that remove old versions on their own (Vault KV v2's <c>max_versions</c>, <c>delete_version_after</c>).</summary>
public interface IVersionRetention
{
    Task<RetentionOutlook> OutlookAsync(SecretRef secretRef, string version, CancellationToken cancellationToken);
}

/// <summary>
/// Where a pinned version stands against the store's retention: how far behind the current version it is, how many
/// versions the store keeps, and when it will be soft-deleted, if ever.
/// </summary>
public sealed record RetentionOutlook(long VersionsBehind, int MaxVersions, DateTimeOffset? DeletionTime)
{
    /// <summary>Writes after which the version is pruned: 1 means the very next write removes it.</summary>
    public long WritesUntilPruned => MaxVersions - VersionsBehind;
}
