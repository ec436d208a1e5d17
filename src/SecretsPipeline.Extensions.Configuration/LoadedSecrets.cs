using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Extensions.Configuration;

/// <summary>A verified, resolved lock: the values by output name, and the leases that must be renewed and revoked.</summary>
internal sealed record LoadedSecrets(
    string Environment,
    string LockDigest,
    string SignedBy,
    IReadOnlyDictionary<string, string> Values,
    StoreRegistry Stores,
    ISecretStore Store,
    IReadOnlyList<RenewableLease> Leases);

/// <summary>A lease and the increment its pin asks for (<c>null</c>: the store's default, the lease's original ttl).</summary>
internal sealed record RenewableLease(Lease Lease, TimeSpan? Increment);
