using System.Diagnostics.CodeAnalysis;
using Microsoft.Build.Framework;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.MSBuild;

/// <summary>
/// Checks, without touching any store, that secrets.lock.json is in the tool's canonical form, carries a valid
/// signature by a trusted key and was made from this secrets.yaml with a pin for every environment and secret.
/// </summary>
public sealed class VerifySecretsLock : SecretsPipelineTask
{
    [Required]
    [NotNull]
    public string? ManifestPath { get; set; }

    [Required]
    [NotNull]
    public string? LockPath { get; set; }

    /// <summary>The folder with the user's public key and <c>trusted-keys/</c>; empty: <c>SECRETS_PIPELINE_HOME</c> or its default.</summary>
    public string? HomePath { get; set; }

    /// <summary>Extra trusted public keys: PEM files or PEM text (<c>SecretsPipelineTrustedKeys</c>).</summary>
    public string[] TrustedKeys { get; set; } = [];

    /// <summary>The value of <c>SECRETS_PIPELINE_TRUSTED_KEYS</c>, passed in so the task reads no process state.</summary>
    public string? TrustedKeysVariable { get; set; }

    /// <summary><c>sha256:</c> of the lock's bytes, the value embedded as <c>SecretsPipeline.LockDigest</c>.</summary>
    [Output]
    public string? LockDigest { get; private set; }

    [Output]
    public string[] Environments { get; private set; } = [];

    [Output]
    public string? SignedBy { get; private set; }

    protected override void ExecuteCore()
    {
        var manifestPath = Path.GetFullPath(ManifestPath);
        var lockPath = Path.GetFullPath(LockPath);
        var manifest = ManifestParser.ParseFile(manifestPath);
        var lockFile = LockSerializer.Read(lockPath);
        var home = string.IsNullOrWhiteSpace(HomePath) ? SecretsPipelineHome.FromEnvironment() : new SecretsPipelineHome(Path.GetFullPath(HomePath));
        using var trust = LocalTrustSource.Load(home, TrustedKeys, TrustedKeysVariable);

        // Local trust answers synchronously; blocking here cannot deadlock and keeps the task free of async plumbing.
        var signedBy = new LockVerifier([trust]).VerifyAsync(lockPath, lockFile, CancellationToken.None).GetAwaiter().GetResult();
        LockConsistency.Check(lockPath, lockFile, manifest, manifest.Environments.Keys);

        SignedBy = signedBy;
        LockDigest = Digest.Sha256(LockSerializer.Serialize(lockFile));
        Environments = [.. lockFile.Environments.Keys.Order(StringComparer.Ordinal)];
        Log.LogMessage(
            MessageImportance.Normal,
            $"SecretsPipeline: checked {lockPath}: signed by {signedBy} (trusted), matches {Path.GetFileName(manifestPath)}, environments {string.Join(", ", Environments)}, digest {LockDigest}.");
    }
}
