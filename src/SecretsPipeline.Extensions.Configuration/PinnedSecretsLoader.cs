using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Stores.Local;
using SecretsPipeline.Vault;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Transit;

namespace SecretsPipeline.Extensions.Configuration;

/// <summary>
/// What <c>secrets-pipeline resolve</c> does, inside the app: read the manifest and lock shipped beside it, verify the
/// signature against trust from outside the app folder, check the lock matches the manifest, then fetch exactly the
/// pinned versions (and issue the leases of dynamic entries), all or nothing.
/// </summary>
internal static class PinnedSecretsLoader
{
    public const string ManifestFileName = "secrets.yaml";
    public const string LockFileName = "secrets.lock.json";

    /// <returns><c>null</c> when the manifest is missing and <see cref="PinnedSecretsOptions.Optional"/> is set.</returns>
    public static async Task<LoadedSecrets?> LoadAsync(string? environment, PinnedSecretsOptions options, CancellationToken cancellationToken)
    {
        var directory = options.Directory ?? AppContext.BaseDirectory;
        var manifestPath = Path.GetFullPath(options.ManifestPath ?? Path.Combine(directory, ManifestFileName));
        if (options.Optional && !File.Exists(manifestPath))
        {
            return null;
        }

        var manifestDirectory = Path.GetDirectoryName(manifestPath)!;
        var lockPath = Path.GetFullPath(options.LockPath ?? Path.Combine(manifestDirectory, LockFileName));
        var manifest = ManifestParser.ParseFile(manifestPath);
        var lockFile = LockSerializer.Read(lockPath);
        var home = Home(options);
        var signedBy = await VerifyAsync(lockPath, lockFile, home, options, cancellationToken).ConfigureAwait(false);
        var name = manifest.Environment(PinnedEnvironment.Choose(environment, options.Variables)).Name;
        LockConsistency.Check(lockPath, lockFile, manifest, [name]);

        var stores = new StoreRegistry(options.StoreFactories ?? DefaultFactories(home, options.Variables), options.StoreBaseDirectory ?? manifestDirectory);
        try
        {
            var result = await new Resolver(stores).ResolveAsync(manifest, lockFile, name, cancellationToken).ConfigureAwait(false);
            var values = result.Outputs.ToDictionary(o => o.Name, o => o.Value.Reveal(), StringComparer.Ordinal);

            // The resolver issues one lease per dynamic entry, in manifest order.
            var increments = manifest.Secrets.Where(s => s.IsDynamic).Select(s => s.Ttl);
            var leases = result.Leases.Zip(increments, (lease, ttl) => new RenewableLease(lease, ttl)).ToArray();
            return new LoadedSecrets(name, Digest.Sha256(LockSerializer.Serialize(lockFile)), signedBy, values, stores, stores.Open(manifest.StoreFor(name)), leases);
        }
        catch
        {
            await stores.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SecretsPipelineHome Home(PinnedSecretsOptions options)
    {
        var path = options.HomePath ?? options.Variables(SecretsPipelineHome.Variable);
        return string.IsNullOrWhiteSpace(path) ? SecretsPipelineHome.FromEnvironment() : new SecretsPipelineHome(Path.GetFullPath(path));
    }

    private static IStoreFactory[] DefaultFactories(SecretsPipelineHome home, Func<string, string?> variables) =>
        [new LocalStoreFactory(home), new VaultStoreFactory(variables, UserProfile)];

    /// <summary>Trust comes from the home folder, the options and the environment, never from the app folder the lock came in.</summary>
    private static async Task<string> VerifyAsync(string lockPath, LockFile lockFile, SecretsPipelineHome home, PinnedSecretsOptions options, CancellationToken cancellationToken)
    {
        using var local = LocalTrustSource.Load(home, options.TrustedKeys, options.Variables(LocalTrustSource.Variable));
        var sources = new List<ITrustSource> { local };
        var transitKeys = (options.Variables(TransitTrustSource.Variable) ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        VaultHttpClient? vault = null;
        try
        {
            if (transitKeys.Length > 0)
            {
                vault = VaultEnvironmentClient.Create(options.Variables, UserProfile);
                sources.Add(new TransitTrustSource(mount => new TransitClient(vault, mount), transitKeys));
            }

            return await new LockVerifier(sources).VerifyAsync(lockPath, lockFile, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            vault?.Dispose();
        }
    }

    private static string UserProfile => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
