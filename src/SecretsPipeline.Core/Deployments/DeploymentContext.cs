namespace SecretsPipeline.Core.Deployments;

/// <summary>Which deployment a resolve belongs to: its id, the release it deploys (commit, lock digest).</summary>
public sealed record DeploymentContext(string Id, string? Commit, string LockDigest)
{
    /// <summary>Ids name ledger entries (a KV path in Vault), so they are kept to a path-safe alphabet.</summary>
    public static string Validate(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? id
            : throw new Errors.SecretsPipelineException(Errors.Codes.Usage, $"deployment id '{id}' must be 1-128 letters, digits, '.', '_' or '-'.");

    /// <summary>The default id: environment and short commit, or the lock digest when there is no commit.</summary>
    public static string DefaultId(string environment, string? commit, string lockDigest) =>
        $"{environment}-{(commit is { Length: >= 12 } ? commit[..12] : lockDigest.Replace("sha256:", string.Empty, StringComparison.Ordinal)[..12])}";
}
