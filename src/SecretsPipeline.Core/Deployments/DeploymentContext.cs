namespace SecretsPipeline.Core.Deployments;

/// <summary>Which deployment a resolve belongs to: its id, the release it deploys (commit, lock digest).</summary>
public sealed record DeploymentContext(string Id, string? Commit, string LockDigest)
{
    /// <summary>The default id: environment and short commit, or the lock digest when there is no commit.</summary>
    public static string DefaultId(string environment, string? commit, string lockDigest) =>
        $"{environment}-{(commit is { Length: >= 12 } ? commit[..12] : lockDigest.Replace("sha256:", string.Empty, StringComparison.Ordinal)[..12])}";
}
