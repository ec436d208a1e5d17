using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Locking;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault;
using SecretsPipeline.Vault.TestServer;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// The fake Vault on loopback with 500 KV v2 paths of two versions each, a manifest of 500 secrets (one per path) and a
/// lock pinning version 1, so a resolve reads pinned, not newest, versions and `lock --update` moves every pin to 2.
/// Every request is answered after <see cref="Latency"/>. Each call opens its own stores, as one CLI command does
/// (fresh connections, no read cache carried over).
/// </summary>
internal sealed class VaultFixture : IAsyncDisposable
{
    public const int Secrets = 500;
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(5);

    private readonly FakeVaultServer _server;
    private readonly SecretsManifest _manifest;
    private LockFile _pinned = null!;

    private VaultFixture(FakeVaultServer server)
    {
        _server = server;
        _manifest = ManifestParser.Parse(Path.Combine(Path.GetTempPath(), "secrets.yaml"), ManifestText.Vault(server.Address, Secrets));
    }

    public long RequestCount => _server.Faults.RequestCount;

    public static async Task<VaultFixture> StartAsync()
    {
        var fixture = new VaultFixture(await FakeVaultServer.StartAsync(new FakeVaultOptions()));
        var kv = fixture._server.State.Kv("secret");
        var paths = fixture._manifest.Secrets.Select(s => s.RefFor(ManifestText.Environment).Path).ToArray();
        foreach (var path in paths)
        {
            kv.Write(path, new Dictionary<string, string> { ["value"] = $"{path}-v1-{Guid.NewGuid():N}" });
        }

        fixture._pinned = await fixture.LockAsync(Resolver.DefaultParallelism, update: false);
        foreach (var path in paths)
        {
            kv.Write(path, new Dictionary<string, string> { ["value"] = $"{path}-v2-{Guid.NewGuid():N}" });
        }

        fixture._server.Faults.Latency = Latency;
        return fixture;
    }

    /// <summary>Resolves the pinned versions; both the resolver and the Vault client get <paramref name="parallelism"/>.</summary>
    public async Task<ResolveResult> ResolveAsync(int parallelism)
    {
        await using var stores = Stores(parallelism);
        return await new Resolver(stores, parallelism).ResolveAsync(_manifest, _pinned, ManifestText.Environment, CancellationToken.None);
    }

    /// <summary>`lock --update` of every entry: one read of the newest version per path.</summary>
    public Task<LockFile> LockAsync(int parallelism) => LockAsync(parallelism, update: true);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<LockFile> LockAsync(int parallelism, bool update)
    {
        await using var stores = Stores(parallelism);
        var (lockFile, _) = await new Locker(stores, parallelism)
            .ComputeAsync(_manifest, update ? _pinned : null, new LockRequest([], update, []), CancellationToken.None);
        return lockFile;
    }

    private StoreRegistry Stores(int parallelism) =>
        new([new VaultStoreFactory(name => name == "VAULT_TOKEN" ? _server.RootToken : null, userHome: null, parallelism)], Path.GetTempPath());
}
