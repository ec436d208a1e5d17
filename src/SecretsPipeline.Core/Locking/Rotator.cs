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
    public async Task<(LockWriteResult Lock, SecretVersionInfo Written, string? OldVersion)> RotateAsync(
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
        var written = await WriteAsync(store, secretRef, value, oldPin?.Ref == secretRef.ToString() ? oldPin.Version : null, cancellationToken).ConfigureAwait(false);

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
            var result = await LockWriter.WriteAsync(lockPath, next, null, signers, cancellationToken).ConfigureAwait(false);
            if (commit is not null)
            {
                await commit(cancellationToken).ConfigureAwait(false);
            }

            return (result, written, oldPin?.Version);
        }
        catch
        {
            await UndoAsync(store, secretRef, written.Version, lockPath, originalBytes).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Check-and-set against the pinned version. Only when that fails does it look at the versions (which in Vault
    /// needs metadata access): if every version after the pin is unreadable — what a rolled-back rotation or a revoke
    /// leaves — it writes on top of the newest; a readable newer version is someone else's write, and the mismatch stands.
    /// </summary>
    private static async Task<SecretVersionInfo> WriteAsync(ISecretStore store, SecretRef secretRef, string value, string? pinned, CancellationToken cancellationToken)
    {
        if (pinned is null)
        {
            var newest = (await store.ListVersionsAsync(secretRef, cancellationToken).ConfigureAwait(false)).LastOrDefault();
            return await store.WriteAsync(secretRef, value, newest?.Version ?? "0", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await store.WriteAsync(secretRef, value, pinned, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsPipelineException ex) when (ex.Code == Codes.CheckAndSetMismatch)
        {
            var versions = await store.ListVersionsAsync(secretRef, cancellationToken).ConfigureAwait(false);
            var index = versions.ToList().FindIndex(v => v.Version == pinned);
            if (index < 0 || versions.Skip(index + 1).Any(v => v.IsReadable))
            {
                throw;
            }

            return await store.WriteAsync(secretRef, value, versions[^1].Version, cancellationToken).ConfigureAwait(false);
        }
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
