using System.Text;
using SecretsPipeline.Testing;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A throw-away git repository and a throw-away <c>SECRETS_PIPELINE_HOME</c> beside it, both deleted on dispose,
/// with the tool and git bound to them.
/// </summary>
public sealed class TestRepo : IDisposable
{
    public const string Environment = "development";

    /// <summary>The demo manifest of design §3: one embedded store, one environment, one secret.</summary>
    public const string DemoManifest = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }

        """;

    /// <summary>The demo secret's ref with <c>${env}</c> expanded for <see cref="Environment"/>.</summary>
    public const string DbPasswordRef = "secret/development/app/db#password";

    private readonly TempDirectory _root;

    public TestRepo(PackedToolFixture tool, ITestOutputHelper? output = null)
    {
        _root = new TempDirectory("spl-e2e-");
        Path = Directory.CreateDirectory(_root.Combine("repo")).FullName;
        Home = Directory.CreateDirectory(_root.Combine("home")).FullName;
        Cli = new Cli(tool.ToolPath, Path, Home, output);
        Git = new Git(Path);
    }

    /// <summary>The work tree.</summary>
    public string Path { get; }

    /// <summary>This test's <c>SECRETS_PIPELINE_HOME</c>.</summary>
    public string Home { get; }

    /// <summary>A folder beside the repository and home for anything else a test needs (a second home, out files).</summary>
    public string Scratch => Directory.CreateDirectory(_root.Combine("scratch")).FullName;

    public Cli Cli { get; }

    public Git Git { get; }

    public string ManifestPath => System.IO.Path.Combine(Path, "secrets.yaml");

    public string LockPath => System.IO.Path.Combine(Path, "secrets.lock.json");

    /// <summary><c>git init</c>, <c>secrets-pipeline init</c>, then <paramref name="manifest"/> as secrets.yaml.</summary>
    public async Task InitAsync(string manifest = DemoManifest)
    {
        await Git.InitAsync();
        await Cli.OkAsync("init");
        WriteManifest(manifest);
    }

    public void WriteManifest(string text) => File.WriteAllText(ManifestPath, text.ReplaceLineEndings("\n"), new UTF8Encoding(false));

    public byte[] ReadLock() => File.ReadAllBytes(LockPath);

    public void Dispose() => _root.Dispose();
}
