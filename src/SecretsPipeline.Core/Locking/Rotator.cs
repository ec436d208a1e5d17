using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Locking;

/// <summary>
/// One rotation as one transaction: write the new version with check-and-set against the pinned (or current) version,
/// re-pin and re-sign the lock, optionally commit. If any step after the write fails, the new version is soft-deleted
/// and the lock is put back byte for byte.
/// </summary>
public sealed class Rotator(StoreRegistry stores)
{
    public async Task<(LockFile Lock, SecretVersionInfo Written, string? OldVersion)> RotateAsync(
        SecretsManifest manifest,
        LockFile current,
        string lockPath,
        string environment,
        string secretName,
        string value,
        IReadOnlyList<ILockSigner> signers,
        Func<CancellationToken, Task>? commit,
        CancellationToken cancellationToken)
    {
        var secret = manifest.Secret(secretName);
        var definition = manifest.Environment(environment);
        if (secret.IsDynamic)
        {
            throw new SecretsPipelineException(Codes.Usage, $"'{secret.Name}' is a dynamic secret; its credentials rotate with each lease, not with `rotate`.", secret.Location);
        }

        var store = stores.Open(manifest.Stores[definition.Store]);
        var secretRef = secret.RefFor(environment);
        var pins = current.Environments.GetValueOrDefault(environment)?.Secrets;
        var oldPin = pins?.GetValueOrDefault(secret.Name);
        var expected = await ExpectedVersionAsync(store, secretRef, oldPin?.Ref == secretRef.ToString() ? oldPin.Version : null, cancellationToken).ConfigureAwait(false);
        var written = await store.WriteAsync(secretRef, value, expected, cancellationToken).ConfigureAwait(false);

        var originalBytes = File.Exists(lockPath) ? await File.ReadAllBytesAsync(lockPath, cancellationToken).ConfigureAwait(false) : null;
        try
        {
            var fingerprint = await store.FingerprintAsync(secretRef, new SecretValue(value, written), cancellationToken).ConfigureAwait(false);
            var environmentLock = current.Environments.GetValueOrDefault(environment)
                ?? throw new SecretsPipelineException(Codes.LockMissingPin, $"environment '{environment}' has no pins yet; run `secrets-pipeline lock --env {environment}` first.", new SourceLocation(lockPath));
            var newPins = new Dictionary<string, SecretPin>(environmentLock.Secrets, StringComparer.Ordinal)
            {
                [secret.Name] = SecretPin.Static(secretRef.ToString(), written.Version, written.Created, fingerprint),
            };
            var environments = new Dictionary<string, EnvironmentLock>(current.Environments, StringComparer.Ordinal)
            {
                [environment] = environmentLock with { Secrets = newPins },
            };
            var next = current with { Environments = environments, Signatures = [] };
            await LockWriter.WriteAsync(lockPath, next, null, signers, cancellationToken).ConfigureAwait(false);
            if (commit is not null)
            {
                await commit(cancellationToken).ConfigureAwait(false);
            }

            return (next, written, oldPin?.Version);
        }
        catch
        {
            await UndoAsync(store, secretRef, written.Version, lockPath, originalBytes).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The version check-and-set must name: the pinned one, unless every version after it is unreadable (what a failed
    /// rotation or a revoke leaves behind), in which case the newest — a readable newer version is someone else's write.
    /// </summary>
    private static async Task<string> ExpectedVersionAsync(ISecretStore store, SecretRef secretRef, string? pinned, CancellationToken cancellationToken)
    {
        var versions = await store.ListVersionsAsync(secretRef, cancellationToken).ConfigureAwait(false);
        if (pinned is null)
        {
            return versions.LastOrDefault()?.Version ?? "0";
        }

        var index = versions.ToList().FindIndex(v => v.Version == pinned);
        return index >= 0 && versions.Skip(index + 1).All(v => !v.IsReadable) && versions.Count > 0
            ? versions[^1].Version
            : pinned;
    }

    /// <summary>Lock first (what deploys read), then the stray version; nothing here may hide the original error.</summary>
    private static async Task UndoAsync(ISecretStore store, SecretRef secretRef, string version, string lockPath, byte[]? originalBytes)
    {
        if (originalBytes is not null && (!File.Exists(lockPath) || !File.ReadAllBytes(lockPath).AsSpan().SequenceEqual(originalBytes)))
        {
            AtomicFile.Write(lockPath, originalBytes);
        }

        try
        {
            await store.DeleteVersionAsync(secretRef, version, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SecretsPipelineException or IOException or TimeoutException or HttpRequestException)
        {
            // The lock never pins the new version, so leaving it readable only costs a stray version; the original error matters more.
        }
    }
}
