namespace SecretsPipeline.Core.Deployments;

/// <summary>
/// One deployment in the ledger: which release (commit, lock digest) of which environment, its state, and the leases
/// it holds. Kept in the store (a table in the embedded store, a KV path in Vault), never in git or on the runner.
/// </summary>
public sealed record DeploymentRecord(
    string Id,
    string Environment,
    string? Commit,
    string LockDigest,
    DeploymentState State,
    IReadOnlyList<LeaseRecord> Leases,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    string? SupersededBy = null);
