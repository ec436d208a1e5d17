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
    string? SupersededBy = null)
{
    /// <summary>
    /// This record written over <paramref name="stored"/>, which another writer may have saved since this one was read
    /// (several replicas resolving one deployment at once): no lease is ever dropped. Leases only this record knows are
    /// added, leases only the stored one knows are kept, and a lease either side revoked stays revoked; everything else
    /// is this record's.
    /// </summary>
    public DeploymentRecord MergedOver(DeploymentRecord? stored)
    {
        if (stored is null || stored.Id != Id)
        {
            return this;
        }

        var theirs = stored.Leases.ToDictionary(l => l.LeaseId, StringComparer.Ordinal);
        var ours = Leases.Select(l => theirs.TryGetValue(l.LeaseId, out var other) && other.Revoked && !l.Revoked ? l with { Revoked = true } : l).ToList();
        var known = Leases.Select(l => l.LeaseId).ToHashSet(StringComparer.Ordinal);
        ours.AddRange(stored.Leases.Where(l => !known.Contains(l.LeaseId)));
        return this with { Leases = ours, Created = Created < stored.Created ? Created : stored.Created };
    }
}

