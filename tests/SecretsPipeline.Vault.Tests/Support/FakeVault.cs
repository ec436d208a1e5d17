using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Kv;
using SecretsPipeline.Vault.TestServer;

namespace SecretsPipeline.Vault.Tests.Support;

/// <summary>
/// A fake Vault of one test, with clients tuned for tests: retry waits of a few milliseconds (the defaults are 1-1.5 s)
/// and a timeout that only a deliberate delay reaches. Every client it hands out is disposed with it.
/// </summary>
internal sealed class FakeVault : IAsyncDisposable
{
    public const string Mount = "secret";

    private readonly List<IDisposable> _owned = [];

    private FakeVault(FakeVaultServer server) => Server = server;

    public FakeVaultServer Server { get; }

    public FakeVaultState State => Server.State;

    public FaultInjector Faults => Server.Faults;

    public KvMount Kv => Server.State.Kv(Mount);

    public string RootToken => Server.RootToken;

    public VaultClientOptions Options => new()
    {
        Address = Server.Address,
        RetryWaitMin = TimeSpan.FromMilliseconds(2),
        RetryWaitMax = TimeSpan.FromMilliseconds(5),
        Timeout = TimeSpan.FromSeconds(10),
    };

    public static async Task<FakeVault> StartAsync(FakeVaultOptions? options = null) => new(await FakeVaultServer.StartAsync(options));

    public VaultHttpClient Client(IVaultAuth? auth = null, VaultClientOptions? options = null)
    {
        var client = new VaultHttpClient(options ?? Options, auth ?? new TokenAuth(Server.RootToken));
        _owned.Add(client);
        return client;
    }

    public VaultStore Store(IVaultAuth? auth = null, VaultClientOptions? options = null, string? hmacKey = null) =>
        new(Client(auth, options), hmacKey);

    public KvV2Client KvClient(IVaultAuth? auth = null, VaultClientOptions? options = null) => new(Client(auth, options), Mount);

    /// <summary>The requests whose path and query contain <paramref name="pathContains"/>, optionally of one method, in arrival order.</summary>
    public IReadOnlyList<RequestLogEntry> Requests(string pathContains, string? method = null) =>
        [.. Server.Requests.Snapshot().Where(r => r.PathAndQuery.Contains(pathContains, StringComparison.Ordinal) && (method is null || r.Method == method))];

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await Server.DisposeAsync();
    }
}
