namespace SecretsPipeline.Core.Stores;

/// <summary>Turns a <see cref="RetentionOutlook"/> into the warnings <c>verify --online</c> prints: rollback readiness, before it is lost.</summary>
public static class RetentionWarnings
{
    /// <summary>How many writes ahead a coming prune is worth a warning.</summary>
    public const int Horizon = 3;

    public static IEnumerable<string> For(string secret, string environment, string version, RetentionOutlook outlook, DateTimeOffset now)
    {
        var behind = outlook.VersionsBehind == 1 ? "1 version" : $"{outlook.VersionsBehind} versions";
        if (outlook.WritesUntilPruned <= 1)
        {
            yield return $"{secret} v{version} ({environment}) is {behind} behind current; max_versions {outlook.MaxVersions} will prune it at the next write. Raise max_versions on the key, or re-pin with `lock --update {secret}`.";
        }
        else if (outlook.WritesUntilPruned <= Horizon)
        {
            yield return $"{secret} v{version} ({environment}) is {behind} behind current; max_versions {outlook.MaxVersions} will prune it after {outlook.WritesUntilPruned} more writes.";
        }

        if (outlook.DeletionTime is { } deletion && deletion > now)
        {
            yield return $"{secret} v{version} ({environment}) will be soft-deleted at {deletion:yyyy-MM-dd HH:mm:ss}Z by delete_version_after; rollbacks to it fail after that.";
        }
    }
}
