using System.Text.Json.Nodes;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Kv;
using SecretsPipeline.Vault.TestServer;

namespace SecretsPipeline.Vault.Tests.Support;

/// <summary>
/// The Vault a contract test runs against, seeded only through the HTTP API so the same test holds against a real Vault.
/// Every path lives under <c>secret/spl-tests/&lt;run&gt;/&lt;test&gt;/</c>; on a real Vault the paths a test used are
/// deleted (metadata and all versions) when it ends.
/// </summary>
internal sealed class ContractVault : IAsyncDisposable
{
    public const string Mount = "secret";
    public const string AddressVariable = "VAULT_ADDR";
    public const string TokenVariable = "VAULT_TOKEN";

    private static readonly string _run = Guid.NewGuid().ToString("N")[..12];

    private readonly FakeVaultServer? _server;
    private readonly VaultClientOptions _options;
    private readonly string _token;
    private readonly string _prefix;
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private readonly List<VaultHttpClient> _clients = [];

    private ContractVault(FakeVaultServer? server, VaultClientOptions options, string token)
    {
        _server = server;
        _options = options;
        _token = token;
        _prefix = $"spl-tests/{_run}/{Guid.NewGuid():N}";
        Http = NewClient();
        Kv = new KvV2Client(Http, Mount);
    }

    /// <summary>A client for seeding and inspecting (metadata, destroy, undelete) outside the store under test.</summary>
    public VaultHttpClient Http { get; }

    public KvV2Client Kv { get; }

    public static async Task<ContractVault> OpenAsync(Backend backend)
    {
        if (backend == Backend.Fake)
        {
            var server = await FakeVaultServer.StartAsync();
            return new ContractVault(
                server,
                new VaultClientOptions { Address = server.Address, RetryWaitMin = TimeSpan.FromMilliseconds(2), RetryWaitMax = TimeSpan.FromMilliseconds(5) },
                server.RootToken);
        }

        var address = Environment.GetEnvironmentVariable(AddressVariable);
        var token = Environment.GetEnvironmentVariable(TokenVariable);
        Assert.SkipUnless(
            !string.IsNullOrWhiteSpace(address) && !string.IsNullOrWhiteSpace(token),
            $"set {AddressVariable} and {TokenVariable} (e.g. `vault server -dev -dev-root-token-id=root`) to run the contract against a real Vault");

        // The variables the official client honours (VAULT_CACERT, VAULT_NAMESPACE, ...), read, never changed.
        var options = VaultClientOptions.FromEnvironment(new Dictionary<string, string>(), Environment.GetEnvironmentVariable);
        return new ContractVault(null, options, token!.Trim());
    }

    /// <summary><c>secret/spl-tests/&lt;run&gt;/&lt;test&gt;/&lt;path&gt;#&lt;key&gt;</c>.</summary>
    public SecretRef Ref(string path, string key = "value")
    {
        var full = $"{_prefix}/{path}";
        _paths.Add(full);
        return new SecretRef(Mount, full, key);
    }

    /// <summary>A store with its own client and its own read cache, as a fresh command would have.</summary>
    public VaultStore NewStore() => new(NewClient(), hmacKey: null);

    public Task WriteKeyMetadataAsync(SecretRef secretRef, JsonObject body) =>
        Http.SendExpectingAsync(HttpMethod.Post, $"{Mount}/metadata/{secretRef.Path}", body, true, TestToken.Ct);

    public Task DestroyAsync(SecretRef secretRef, long version) => VersionsAsync("destroy", secretRef, version);

    public Task UndeleteAsync(SecretRef secretRef, long version) => VersionsAsync("undelete", secretRef, version);

    public async Task<KvMetadata> MetadataAsync(SecretRef secretRef) =>
        await Kv.ReadMetadataAsync(secretRef.Path, TestToken.Ct) ?? throw new InvalidOperationException($"{secretRef.FullPath} has no metadata");

    public async ValueTask DisposeAsync()
    {
        if (_server is null)
        {
            foreach (var path in _paths)
            {
                try
                {
                    await Http.SendAsync(HttpMethod.Delete, $"{Mount}/metadata/{path}", null, retrySafe: true, CancellationToken.None);
                }
                catch (Exception ex) when (ex is Core.Errors.SecretsPipelineException or HttpRequestException)
                {
                    // Cleanup is best effort: a leftover test path in a dev Vault is harmless.
                }
            }
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private Task VersionsAsync(string action, SecretRef secretRef, long version) =>
        Http.SendExpectingAsync(HttpMethod.Post, $"{Mount}/{action}/{secretRef.Path}", new JsonObject { ["versions"] = new JsonArray(version) }, true, TestToken.Ct);

    private VaultHttpClient NewClient()
    {
        var client = new VaultHttpClient(_options, new TokenAuth(_token));
        _clients.Add(client);
        return client;
    }
}
