using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Resolve;

/// <summary>
/// Fetches exactly the pinned versions of one environment and issues its leases, all or nothing: on any failure every
/// lease issued in this attempt is revoked before the error leaves, and no partial result is returned.
/// The lock must already be verified (signature, trust, manifest digest).
/// </summary>
public sealed class Resolver(StoreRegistry stores, int parallelism = Resolver.DefaultParallelism)
{
    /// <summary>Requests in flight per store; reads of distinct paths overlap up to this bound.</summary>
    public const int DefaultParallelism = 32;

    public async Task<ResolveResult> ResolveAsync(SecretsManifest manifest, LockFile lockFile, string environment, CancellationToken cancellationToken)
    {
        var definition = manifest.Environment(environment);
        var store = stores.Open(manifest.Stores[definition.Store]);
        var pins = lockFile.Environments[environment].Secrets;
        var values = new SecretValue?[manifest.Secrets.Count];
        var leases = new List<Lease>();
        try
        {
            var statics = Enumerable.Range(0, manifest.Secrets.Count).Where(i => !manifest.Secrets[i].IsDynamic);
            await Parallel.ForEachAsync(
                statics,
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (i, ct) => values[i] = await ReadPinAsync(store, manifest.Secrets[i], environment, pins[manifest.Secrets[i].Name], ct).ConfigureAwait(false))
                .ConfigureAwait(false);

            var outputs = new List<ResolvedOutput>();
            for (var i = 0; i < manifest.Secrets.Count; i++)
            {
                var secret = manifest.Secrets[i];
                if (!secret.IsDynamic)
                {
                    outputs.Add(new ResolvedOutput(secret.Name, secret.Name, values[i]!));
                    continue;
                }

                var pin = pins[secret.Name];
                var lease = await store.IssueLeaseAsync(pin.Dynamic!, TermsOf(pin), cancellationToken).ConfigureAwait(false);
                leases.Add(lease);
                foreach (var field in pin.Fields!)
                {
                    if (!lease.Credentials.TryGetValue(field, out var credential))
                    {
                        throw new SecretsPipelineException(
                            Codes.StoreUnsupported,
                            $"secret '{secret.Name}': the lease from '{pin.Dynamic}' has no field '{field}'; fix `fields:` in secrets.yaml.",
                            secret.Location);
                    }

                    outputs.Add(new ResolvedOutput($"{secret.Name}_{field.ToUpperInvariant()}", secret.Name, new SecretValue(credential, new SecretVersionInfo(lease.LeaseId, DateTimeOffset.UtcNow))));
                }
            }

            return new ResolveResult(environment, outputs, leases);
        }
        catch (Exception ex)
        {
            var orphans = await RevokeAllAsync(store, leases).ConfigureAwait(false);
            if (orphans.Count == 0)
            {
                throw;
            }

            var code = ex is SecretsPipelineException known ? known.Code : Codes.Internal;
            throw new SecretsPipelineException(
                code,
                $"{(ex is SecretsPipelineException ? ex.Message : "the resolve failed")}; in addition {orphans.Count} lease(s) of this attempt could not be revoked: {string.Join(", ", orphans)} (revoke them with `vault lease revoke`).",
                (ex as SecretsPipelineException)?.Location,
                ex);
        }
    }

    /// <summary>
    /// Revokes the leases of a failed attempt, every one of them even if some revokes fail, and even when the caller
    /// cancelled. Returns the ids it could not revoke.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RevokeAllAsync(ISecretStore store, IEnumerable<Lease> leases)
    {
        var failed = new List<string>();
        foreach (var lease in leases)
        {
            try
            {
                await store.RevokeLeaseAsync(lease.LeaseId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SecretsPipelineException or HttpRequestException or IOException or TimeoutException)
            {
                failed.Add(lease.LeaseId);
            }
        }

        return failed;
    }

    private static LeaseTerms TermsOf(SecretPin pin) =>
        new(pin.Ttl is { } ttl && Durations.TryParse(ttl, out var t) ? t : null,
            pin.MaxTtl is { } maxTtl && Durations.TryParse(maxTtl, out var m) ? m : null);

    private static async Task<SecretValue> ReadPinAsync(ISecretStore store, SecretDefinition secret, string environment, SecretPin pin, CancellationToken cancellationToken)
    {
        var secretRef = secret.RefFor(environment);
        SecretValue value;
        try
        {
            value = await store.ReadAsync(secretRef, pin.Version!, cancellationToken).ConfigureAwait(false);
        }
        catch (VersionUnavailableException ex)
        {
            var newest = await NewestGoodAsync(store, secretRef, cancellationToken).ConfigureAwait(false);
            var why = ex.State switch
            {
                VersionState.Revoked => "was revoked as compromised and will not be resolved again",
                VersionState.Deleted => "is deleted in the store",
                VersionState.Destroyed => "was destroyed in the store",
                _ => "does not exist in the store (never written, or pruned by version retention)",
            };
            var next = newest is null
                ? $"no good version of '{secretRef}' exists; store a new one (`secrets-pipeline store put {secretRef}`), then `secrets-pipeline lock --update {secret.Name} --env {environment}`"
                : $"the newest good version is {newest.Version}: run `secrets-pipeline lock --update {secret.Name} --env {environment}` and commit, or deploy a release pinned to it";
            throw new SecretsPipelineException(ex.Code, $"secret '{secret.Name}' (environment '{environment}') version {pin.Version} {why}; {next}.", secret.Location);
        }

        if (pin.Created is { } created && value.Version.Created != created)
        {
            throw new SecretsPipelineException(
                Codes.VersionReplaced,
                $"secret '{secret.Name}' (environment '{environment}') version {pin.Version} was created at {value.Version.Created:O}, but the lock pinned one created at {created:O}: the key was deleted and written again, so this is different content. Re-pin with `secrets-pipeline lock --update {secret.Name} --env {environment}` after checking the value.",
                secret.Location);
        }

        return value;
    }

    private static async Task<SecretVersionInfo?> NewestGoodAsync(ISecretStore store, SecretRef secretRef, CancellationToken cancellationToken)
    {
        var versions = await store.ListVersionsAsync(secretRef, cancellationToken).ConfigureAwait(false);
        return versions.LastOrDefault(v => v.IsReadable);
    }
}
