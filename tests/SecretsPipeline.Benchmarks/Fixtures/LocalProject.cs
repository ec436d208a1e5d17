using System.Security.Cryptography;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Locking;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Stores.Local;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// A project folder as `init`, `store put` and `lock` leave it: <c>secrets.yaml</c> with <c>count</c> secrets in the
/// embedded store, each written once through the store API, and <c>secrets.lock.json</c> computed by the Locker and
/// signed with the scratch home's key (so the CLI trusts it).
/// </summary>
internal sealed record LocalProject(string Directory, string ManifestPath, string LockPath, SecretsManifest Manifest)
{
    public static async Task<LocalProject> CreateAsync(string directory, SecretsPipelineHome home, int count)
    {
        var manifestPath = Path.Combine(directory, "secrets.yaml");
        var lockPath = Path.Combine(directory, "secrets.lock.json");
        await File.WriteAllTextAsync(manifestPath, ManifestText.Local(count));
        var manifest = ManifestParser.ParseFile(manifestPath);
        await using var stores = new StoreRegistry([new LocalStoreFactory(home)], directory);
        var store = stores.Open(manifest.StoreFor(ManifestText.Environment));
        foreach (var secret in manifest.Secrets)
        {
            await store.WriteAsync(secret.RefFor(ManifestText.Environment), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), null, CancellationToken.None);
        }

        var (lockFile, _) = await new Locker(stores).ComputeAsync(manifest, null, new LockRequest([], Update: false, []), CancellationToken.None);
        using var signer = new LocalSigner(EcdsaKeys.LoadPrivate(home));
        await LockWriter.WriteAsync(lockPath, lockFile, null, [signer], CancellationToken.None);
        return new LocalProject(directory, manifestPath, lockPath, manifest);
    }

    public LockFile ReadLock() => LockSerializer.Read(LockPath);
}
