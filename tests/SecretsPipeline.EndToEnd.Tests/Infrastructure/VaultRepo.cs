using System.Text;
using SecretsPipeline.Vault.TestServer;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A <see cref="TestRepo"/> whose store is Vault: a <see cref="FakeVaultServer"/> on 127.0.0.1 in the test process, and
/// the installed tool run with <c>VAULT_ADDR</c> and a distinctive <c>VAULT_TOKEN</c> pointing at it (short retry waits).
/// Operators' actions (<c>vault kv put</c>, <c>undelete</c>, <c>destroy</c>) are done directly in <see cref="Kv"/>.
/// </summary>
public sealed class VaultRepo : IAsyncDisposable
{
    public const string Environment = "production";

    /// <summary>The demo story's manifest with a Vault store: two secrets on two KV v2 paths.</summary>
    public const string StoryManifest = """
        version: 1
        stores:
          prod: { type: vault }
        environments:
          production: { store: prod }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }
          API_KEY: { ref: "secret/${env}/api#key" }

        """;

    private VaultRepo(TestRepo repo, FakeVaultServer vault, string token, ITestOutputHelper? output, string toolPath)
    {
        Repo = repo;
        Vault = vault;
        Token = token;
        Cli = new Cli(toolPath, repo.Path, repo.Home, output, EnvironmentFor(vault, token));
    }

    public TestRepo Repo { get; }

    public FakeVaultServer Vault { get; }

    /// <summary>The root token the tool is given as <c>VAULT_TOKEN</c>; it must never be printed or written.</summary>
    public string Token { get; }

    public Cli Cli { get; }

    public Git Git => Repo.Git;

    /// <summary>The <c>secret/</c> KV v2 mount of the fake server.</summary>
    public KvMount Kv => Vault.State.Kv("secret");

    public string LockPath => Repo.LockPath;

    public static async Task<VaultRepo> StartAsync(PackedToolFixture tool, ITestOutputHelper? output, FakeVaultOptions? options = null)
    {
        options ??= new FakeVaultOptions();
        var token = $"hvs.E2eRootToken{Guid.NewGuid():N}";
        options.RootToken = token;
        var vault = await FakeVaultServer.StartAsync(options);
        return new VaultRepo(new TestRepo(tool, output), vault, token, output, tool.ToolPath);
    }

    /// <summary>What a Vault user exports: the server, the token, and retry waits short enough for tests.</summary>
    public static Dictionary<string, string?> EnvironmentFor(FakeVaultServer vault, string token) => new(StringComparer.Ordinal)
    {
        ["VAULT_ADDR"] = vault.Address.ToString().TrimEnd('/'),
        ["VAULT_TOKEN"] = token,
        ["VAULT_RETRY_WAIT_MIN"] = "0.01",
        ["VAULT_RETRY_WAIT_MAX"] = "0.02",
    };

    /// <summary><c>git init</c>, <c>secrets-pipeline init</c>, then <paramref name="manifest"/> as secrets.yaml.</summary>
    public async Task InitAsync(string manifest = StoryManifest)
    {
        await Git.InitAsync();
        await Cli.OkAsync("init");
        Repo.WriteManifest(manifest);
    }

    /// <summary><c>vault kv put secret/PATH FIELD=VALUE</c>: a new version of the whole path; returns its number.</summary>
    public int Put(string path, string field, string value) =>
        Kv.Write(path, new Dictionary<string, string> { [field] = value });

    public byte[] ReadLock() => Repo.ReadLock();

    /// <summary>The token appears in no stdout or stderr of any run so far, nor in the lock, nor in any file of the home.</summary>
    public void AssertTokenNeverPrinted()
    {
        Assert.NotEmpty(Cli.History);
        foreach (var run in Cli.History)
        {
            Assert.False(run.Result.StdOut.Contains(Token, StringComparison.Ordinal), $"{run.CommandLine} printed VAULT_TOKEN to stdout");
            Assert.False(run.Result.StdErr.Contains(Token, StringComparison.Ordinal), $"{run.CommandLine} printed VAULT_TOKEN to stderr");
        }

        var token = Encoding.UTF8.GetBytes(Token);
        var files = new List<string>();
        if (File.Exists(LockPath))
        {
            files.Add(LockPath);
        }

        files.AddRange(Directory.EnumerateFiles(Repo.Home, "*", SearchOption.AllDirectories));
        var secretsPipelineDir = Path.Combine(Repo.Path, ".secrets-pipeline");
        if (Directory.Exists(secretsPipelineDir))
        {
            files.AddRange(Directory.EnumerateFiles(secretsPipelineDir, "*", SearchOption.AllDirectories));
        }

        foreach (var file in files)
        {
            Assert.False(File.ReadAllBytes(file).AsSpan().IndexOf(token) >= 0, $"{file} contains VAULT_TOKEN");
        }
    }

    /// <summary>
    /// What the tool itself keeps in Vault (its ledger and audit trail under <c>secret/secrets-pipeline/</c>, and custom
    /// metadata such as revoke marks) holds none of <paramref name="values"/> and not the token. Returns the paths scanned.
    /// </summary>
    public IReadOnlyList<string> AssertToolDocumentsInVaultHoldNo(params string[] values)
    {
        var forbidden = values.Append(Token).ToArray();
        var scanned = new List<string>();
        foreach (var path in Kv.Paths)
        {
            var key = Kv.GetKey(path)!;
            var texts = (key.CustomMetadata ?? new Dictionary<string, string>()).SelectMany(p => new[] { p.Key, p.Value }).ToList();
            if (path.StartsWith("secrets-pipeline/", StringComparison.Ordinal))
            {
                scanned.Add(path);
                texts.AddRange(key.Versions.Where(v => v.Data is not null).Select(v => v.Data!.ToJsonString()));
            }

            foreach (var text in texts)
            {
                foreach (var value in forbidden)
                {
                    Assert.False(text.Contains(value, StringComparison.Ordinal), $"Vault key secret/{path} holds {(value == Token ? "VAULT_TOKEN" : "a secret value")}");
                }
            }
        }

        return scanned;
    }

    public async ValueTask DisposeAsync()
    {
        await Vault.DisposeAsync();
        Repo.Dispose();
    }
}
