using SecretsPipeline.Core.Deployments;
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

    public Task<ResolveResult> ResolveAsync(SecretsManifest manifest, LockFile lockFile, string environment, CancellationToken cancellationToken) =>
        ResolveAsync(manifest, lockFile, environment, null, _ => Task.CompletedTask, cancellationToken);

    /// <summary>
    /// Resolves, then hands the complete result to <paramref name="deliver"/> (which writes the output) inside the same
    /// transaction: if reading, issuing or delivering fails, every lease of this attempt is revoked, the ledger marks them
    /// revoked, and the error is rethrown. With a <paramref name="deployment"/>, each lease is in the ledger before the next
    /// step, so a killed process leaves leases that <c>leases release</c> can find.
    /// </summary>
    public async Task<ResolveResult> ResolveAsync(
        SecretsManifest manifest, LockFile lockFile, string environment, DeploymentContext? deployment, Func<ResolveResult, Task> deliver, CancellationToken cancellationToken)
    {
        var definition = manifest.Environment(environment);
        var store = stores.Open(manifest.Stores[definition.Store]);
        var pins = lockFile.Environments[environment].Secrets;
        var values = new SecretValue?[manifest.Secrets.Count];
        var leases = new List<Lease>();
        var ledger = manifest.Secrets.Any(s => s.IsDynamic) && deployment is not null ? Ledger(store, definition) : null;
        DeploymentRecord? record = null;
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
                if (ledger is not null && record is null)
                {
                    record = await OpenRecordAsync(ledger, deployment!, environment, cancellationToken).ConfigureAwait(false);
                }

                var lease = await store.IssueLeaseAsync(pin.Dynamic!, TermsOf(pin), cancellationToken).ConfigureAwait(false);
                leases.Add(lease);
                if (ledger is not null)
                {
                    record = record! with { Leases = [.. record.Leases, new LeaseRecord(lease.LeaseId, secret.Name, lease.Role, lease.Expires)], Updated = DateTimeOffset.UtcNow };
                    await ledger.SaveDeploymentAsync(record, CancellationToken.None).ConfigureAwait(false);
                }

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

            var result = new ResolveResult(environment, outputs, leases);
            await deliver(result).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex)
        {
            var orphans = await RevokeAllAsync(store, leases).ConfigureAwait(false);
            if (ledger is not null && record is not null)
            {
                await MarkFailedAsync(ledger, record, leases, orphans).ConfigureAwait(false);
            }

            if (orphans.Count == 0)
            {
                throw;
            }

            var code = ex is SecretsPipelineException known ? known.Code : Codes.Internal;
            throw new SecretsPipelineException(
                code,
                $"{(ex is SecretsPipelineException ? ex.Message : "the resolve failed")}; in addition {orphans.Count} lease(s) of this attempt could not be revoked: {string.Join(", ", orphans)} (they stay in the ledger; retry with `secrets-pipeline leases release --deployment {deployment?.Id ?? "ID"}`).",
                (ex as SecretsPipelineException)?.Location,
                ex);
        }
    }

    private static IDeploymentLedger Ledger(ISecretStore store, EnvironmentDefinition environment) =>
        store as IDeploymentLedger
        ?? throw new SecretsPipelineException(Codes.LedgerUnsupported, $"the store of environment '{environment.Name}' keeps no deployment ledger, so its leases could not be tracked; use a store that does (local, vault).", environment.Location);

    private static async Task<DeploymentRecord> OpenRecordAsync(IDeploymentLedger ledger, DeploymentContext deployment, string environment, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var existing = await ledger.GetDeploymentAsync(deployment.Id, cancellationToken).ConfigureAwait(false);
        if (existing is not null && existing.Environment != environment)
        {
            throw new SecretsPipelineException(
                Codes.Usage,
                $"deployment id '{deployment.Id}' belongs to environment '{existing.Environment}'; choose another --deployment for '{environment}'.");
        }

        var record = existing is null
            ? new DeploymentRecord(deployment.Id, environment, deployment.Commit, deployment.LockDigest, DeploymentState.Pending, [], now, now)
            : existing with { Updated = now, State = existing.State is DeploymentState.Live ? DeploymentState.Live : DeploymentState.Pending };
        await ledger.SaveDeploymentAsync(record, cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>The failed attempt's leases are marked revoked; a deployment that had nothing else becomes Failed, never live.</summary>
    private static async Task MarkFailedAsync(IDeploymentLedger ledger, DeploymentRecord record, List<Lease> attempt, IReadOnlyList<string> orphans)
    {
        var ids = attempt.Select(l => l.LeaseId).Where(id => !orphans.Contains(id)).ToHashSet(StringComparer.Ordinal);
        var leases = record.Leases.Select(l => ids.Contains(l.LeaseId) ? l with { Revoked = true } : l).ToArray();
        var state = leases.Any(l => !l.Revoked) || record.State == DeploymentState.Live ? record.State : DeploymentState.Failed;
        try
        {
            await ledger.SaveDeploymentAsync(record with { Leases = leases, State = state, Updated = DateTimeOffset.UtcNow }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SecretsPipelineException)
        {
            // The leases are already revoked; a stale ledger entry only lists revoked leases as held, and release is idempotent.
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
            var why = VersionUnavailableException.Describe(ex.State);
            var next = newest is null
                ? $"no good version of '{secretRef}' exists; write a new one with {StoreHints.WriteNewVersion(store, secretRef)}, then `secrets-pipeline lock --update {secret.Name} --env {environment}`"
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
