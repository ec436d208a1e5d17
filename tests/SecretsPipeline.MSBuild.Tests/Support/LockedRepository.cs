using System.Text;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Locking;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Stores.Local;
using SecretsPipeline.Testing;

namespace SecretsPipeline.MSBuild.Tests.Support;

/// <summary>
/// A folder with secrets.yaml, an embedded store holding its secrets, a home folder with a signing key, and a
/// secrets.lock.json locked and signed in process, as <c>secrets-pipeline lock</c> writes it.
/// </summary>
public sealed class LockedRepository : IDisposable
{
    public const string Environment = "development";

    public const string Manifest = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
          production: { store: dev }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }

        """;

    private readonly TempDirectory _root = new("spl-msbuild-");
    private readonly IReadOnlyList<IStoreFactory> _otherStores;

    private LockedRepository(IReadOnlyList<IStoreFactory>? otherStores)
    {
        _otherStores = otherStores ?? [];
        Directory = System.IO.Directory.CreateDirectory(_root.Combine("repo")).FullName;
        Home = new SecretsPipelineHome(_root.Combine("home"));
        EcdsaKeys.EnsureSigningKey(Home);
        LocalStoreKey.Ensure(Home);
    }

    public string Directory { get; }

    public SecretsPipelineHome Home { get; }

    public string ManifestPath => Path.Combine(Directory, "secrets.yaml");

    public string LockPath => Path.Combine(Directory, "secrets.lock.json");

    /// <summary>A second home with a key of its own, for "signed by someone else" cases.</summary>
    public SecretsPipelineHome OtherHome()
    {
        var other = new SecretsPipelineHome(_root.Combine("other-home-" + Guid.NewGuid().ToString("N")[..8]));
        EcdsaKeys.EnsureSigningKey(other);
        LocalStoreKey.Ensure(other);
        return other;
    }

    /// <summary>Writes the manifest, stores <paramref name="values"/> (name → value, in every environment) and locks.</summary>
    /// <param name="otherStores">Factories for store types besides the embedded one (e.g. Vault on a test server).</param>
    public static async Task<LockedRepository> CreateAsync(string manifest = Manifest, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<IStoreFactory>? otherStores = null)
    {
        var repository = new LockedRepository(otherStores);
        try
        {
            repository.WriteManifest(manifest);
            await repository.PutAsync(values ?? new Dictionary<string, string> { ["DB_PASSWORD"] = "pinned-value-1" });
            await repository.LockAsync();
            return repository;
        }
        catch
        {
            repository.Dispose();
            throw;
        }
    }

    public void WriteManifest(string text) => File.WriteAllText(ManifestPath, text.ReplaceLineEndings("\n"), new UTF8Encoding(false));

    /// <summary>Stores a new version of each static secret in every environment.</summary>
    public async Task PutAsync(IReadOnlyDictionary<string, string> values)
    {
        var manifest = ManifestParser.ParseFile(ManifestPath);
        await using var stores = OpenStores();
        foreach (var environment in manifest.Environments.Keys)
        {
            var store = stores.Open(manifest.StoreFor(environment));
            foreach (var (name, value) in values)
            {
                await store.WriteAsync(manifest.Secret(name).RefFor(environment), value, null, CancellationToken.None);
            }
        }
    }

    /// <summary>Pins (moving every pin to the newest version when <paramref name="update"/>) and signs with this home's key.</summary>
    public async Task LockAsync(bool update = false, SecretsPipelineHome? signer = null)
    {
        var manifest = ManifestParser.ParseFile(ManifestPath);
        var previous = File.Exists(LockPath) ? LockSerializer.Read(LockPath) : null;
        await using var stores = OpenStores();
        var (lockFile, _) = await new Locker(stores).ComputeAsync(manifest, previous, new LockRequest([], update, []), CancellationToken.None);
        using var key = new LocalSigner(EcdsaKeys.LoadPrivate(signer ?? Home));
        await LockWriter.WriteAsync(LockPath, lockFile, null, [key], CancellationToken.None);
    }

    public StoreRegistry OpenStores() => new([new LocalStoreFactory(Home), .. _otherStores], Directory);

    public void Dispose() => _root.Dispose();
}
