using SecretsPipeline.Core.Manifest;

namespace SecretsPipeline.Core.Stores;

/// <summary>
/// What Core needs from a secret store. Versions are opaque strings (a Vault KV v2 number, a cloud store's version id);
/// a store refuses an unreadable version with a <see cref="VersionUnavailableException"/> that says why.
/// </summary>
public interface ISecretStore : IAsyncDisposable
{
    /// <summary>Where the store is (type, address, namespace, path; never a credential), as recorded in the lock.</summary>
    IReadOnlyDictionary<string, string> Identity { get; }

    /// <summary>The newest version of a value, or <c>null</c> when the secret does not exist.</summary>
    Task<SecretVersionInfo?> GetCurrentAsync(SecretRef secretRef, CancellationToken cancellationToken);

    /// <summary>Reads exactly <paramref name="version"/>; deleted, destroyed, revoked and missing versions throw.</summary>
    Task<SecretValue> ReadAsync(SecretRef secretRef, string version, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a new version. With <paramref name="expectedCurrent"/> set, the write happens only if that is still the
    /// newest version ("0" meaning: the secret must not exist yet); otherwise it throws <c>SPL3007</c>.
    /// </summary>
    Task<SecretVersionInfo> WriteAsync(SecretRef secretRef, string value, string? expectedCurrent, CancellationToken cancellationToken);

    /// <summary>Every version the store still knows, oldest first, with its state.</summary>
    Task<IReadOnlyList<SecretVersionInfo>> ListVersionsAsync(SecretRef secretRef, CancellationToken cancellationToken);

    /// <summary>Soft-deletes a version (it can no longer be read, but is not destroyed).</summary>
    Task DeleteVersionAsync(SecretRef secretRef, string version, CancellationToken cancellationToken);

    /// <summary>Marks a version compromised in the store itself, so that no lock in any commit can bring it back.</summary>
    Task RevokeVersionAsync(SecretRef secretRef, string version, string reason, CancellationToken cancellationToken);

    /// <summary>A keyed fingerprint of a value (an HMAC whose key is not in git), or <c>null</c> if the store has no key for it.</summary>
    Task<string?> FingerprintAsync(SecretRef secretRef, SecretValue value, CancellationToken cancellationToken);

    /// <summary>Issues a lease on a dynamic role; stores without dynamic secrets throw <c>SPL3011</c>.</summary>
    Task<Lease> IssueLeaseAsync(string role, LeaseTerms terms, CancellationToken cancellationToken);

    /// <summary>Extends a lease; returns its new expiry.</summary>
    Task<Lease> RenewLeaseAsync(string leaseId, TimeSpan? increment, CancellationToken cancellationToken);

    /// <summary>Revokes a lease; revoking one that is already gone succeeds.</summary>
    Task RevokeLeaseAsync(string leaseId, CancellationToken cancellationToken);
}
