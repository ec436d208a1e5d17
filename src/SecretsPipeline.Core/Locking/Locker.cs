using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Locking;

/// <summary>
/// Computes a new lock from the manifest, the previous lock and the stores: adds pins for new entries, drops pins
/// for removed ones, keeps the rest, and with <c>--update</c> moves pins to the newest readable version.
/// It only reads stores; signing and writing are the caller's.
/// </summary>
public sealed class Locker(StoreRegistry stores, int parallelism = Resolve.Resolver.DefaultParallelism)
{
    public async Task<(LockFile Lock, IReadOnlyList<LockChange> Changes)> ComputeAsync(
        SecretsManifest manifest, LockFile? previous, LockRequest request, CancellationToken cancellationToken)
    {
        foreach (var environment in request.Environments)
        {
            _ = manifest.Environment(environment);
        }

        foreach (var name in request.UpdateNames)
        {
            _ = manifest.Secret(name);
        }

        var changes = new List<LockChange>();
        var environments = new Dictionary<string, EnvironmentLock>(StringComparer.Ordinal);
        foreach (var environment in manifest.Environments.Values)
        {
            var old = previous?.Environments.GetValueOrDefault(environment.Name);
            var selected = request.Environments.Count == 0 || request.Environments.Contains(environment.Name);
            if (!selected)
            {
                if (old is not null)
                {
                    environments[environment.Name] = old;
                }

                continue;
            }

            environments[environment.Name] = await LockEnvironmentAsync(manifest, environment, old, request, changes, cancellationToken).ConfigureAwait(false);
        }

        return (new LockFile(ManifestDigest.Compute(manifest), environments, []), changes);
    }

    private async Task<EnvironmentLock> LockEnvironmentAsync(
        SecretsManifest manifest, EnvironmentDefinition environment, EnvironmentLock? old, LockRequest request, List<LockChange> changes, CancellationToken cancellationToken)
    {
        var store = stores.Open(manifest.Stores[environment.Store]);
        var computed = new SecretPin[manifest.Secrets.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, manifest.Secrets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var secret = manifest.Secrets[i];
                var oldPin = old?.Secrets.GetValueOrDefault(secret.Name);
                var wantsUpdate = request.Update && (request.UpdateNames.Count == 0 || request.UpdateNames.Contains(secret.Name));
                computed[i] = secret.IsDynamic
                    ? DynamicPin(secret, environment.Name)
                    : await StaticPinAsync(store, secret, environment.Name, oldPin, wantsUpdate, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

        var pins = new Dictionary<string, SecretPin>(StringComparer.Ordinal);
        for (var i = 0; i < computed.Length; i++)
        {
            var secret = manifest.Secrets[i];
            var pin = computed[i];
            var oldPin = old?.Secrets.GetValueOrDefault(secret.Name);
            pins[secret.Name] = pin;
            if (oldPin is null)
            {
                changes.Add(new LockChange(environment.Name, secret.Name, LockChangeKind.Added, null, pin.Version));
            }
            else if (oldPin != pin)
            {
                changes.Add(new LockChange(environment.Name, secret.Name, LockChangeKind.Updated, oldPin.Version, pin.Version));
            }
        }

        foreach (var removed in old?.Secrets.Keys.Where(k => !pins.ContainsKey(k)) ?? [])
        {
            changes.Add(new LockChange(environment.Name, removed, LockChangeKind.Removed, old!.Secrets[removed].Version, null));
        }

        return new EnvironmentLock(store.Identity, pins);
    }

    private static SecretPin DynamicPin(SecretDefinition secret, string environment) =>
        new(null, null, null, null, secret.RoleFor(environment),
            secret.Ttl is { } ttl ? Durations.Format(ttl) : null,
            secret.MaxTtl is { } maxTtl ? Durations.Format(maxTtl) : null,
            secret.Fields);

    private static async Task<SecretPin> StaticPinAsync(
        ISecretStore store, SecretDefinition secret, string environment, SecretPin? oldPin, bool update, CancellationToken cancellationToken)
    {
        var secretRef = secret.RefFor(environment);
        if (!update && oldPin is { IsDynamic: false } && oldPin.Ref == secretRef.ToString())
        {
            return oldPin;
        }

        var current = await store.GetCurrentAsync(secretRef, cancellationToken).ConfigureAwait(false)
            ?? throw new SecretsPipelineException(
                Codes.SecretNotFound,
                $"secret '{secret.Name}' for environment '{environment}' has no readable version at '{secretRef}'; write one first with {StoreHints.WriteNewVersion(store, secretRef)}, or fix the ref.",
                secret.Location);
        if (oldPin is not null && oldPin.Ref == secretRef.ToString() && oldPin.Version == current.Version)
        {
            return oldPin;
        }

        var value = await store.ReadAsync(secretRef, current.Version, cancellationToken).ConfigureAwait(false);
        var fingerprint = await store.FingerprintAsync(secretRef, value, cancellationToken).ConfigureAwait(false);
        return SecretPin.Static(secretRef.ToString(), current.Version, current.Created, fingerprint);
    }
}
