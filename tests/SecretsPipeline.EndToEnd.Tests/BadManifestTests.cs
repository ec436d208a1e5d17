using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Design §3 and §5 "clear errors": a malformed secrets.yaml makes <c>lock</c> exit 2 with one MSBuild-canonical line
/// naming the file, line, column and code, and leaves the lockfile as it was (absent, or byte-identical).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class BadManifestTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Head = "version: 1\nstores:\n  dev: { type: local }\nenvironments:\n  development: { store: dev }\n";

    /// <summary>A manifest that locks without touching a store, so a real signed lock exists before each attack.</summary>
    private const string Good = Head + "secrets:\n";

    public static TheoryData<string, string, int, int, string> Cases => new()
    {
        { "unknown top-level key", Head + "secret:\n  A: { ref: \"secret/a#b\" }\n", 6, 1, "SPL1002" },
        { "unknown key in a secret", Head + "secrets:\n  A: { ref: \"secret/a#b\", mont: x }\n", 7, 27, "SPL1002" },
        { "ref without #key", Head + "secrets:\n  A: { ref: \"secret/${env}/app/db\" }\n", 7, 13, "SPL1004" },
        { "environment names an undeclared store", "version: 1\nstores:\n  dev: { type: local }\nenvironments:\n  development: { store: prod }\n", 5, 25, "SPL1005" },
        { "secret declared twice", Head + "secrets:\n  A: { ref: \"secret/a#b\" }\n  A: { ref: \"secret/a#c\" }\n", 8, 3, "SPL1006" },
        { "top-level key declared twice", Head + "secrets:\nenvironments:\n  production: { store: dev }\n", 7, 1, "SPL1006" },
        { "secret name not a variable name", Head + "secrets:\n  db-password: { ref: \"secret/a#b\" }\n", 7, 3, "SPL1007" },
        { "unknown store type", "version: 1\nstores:\n  dev: { type: s3 }\nenvironments:\n  development: { store: dev }\n", 3, 16, "SPL1008" },
        { "both ref and dynamic", Head + "secrets:\n  A: { ref: \"secret/a#b\", dynamic: \"database/creds/app\" }\n", 7, 6, "SPL1009" },
        { "secrets is a list", Head + "secrets: [a, b]\n", 6, 10, "SPL1010" },
        { "a secret is a bare string", Head + "secrets:\n  A: \"secret/a#b\"\n", 7, 6, "SPL1010" },
        { "no environments", "version: 1\nstores:\n  dev: { type: local }\nsecrets:\n  A: { ref: \"secret/a#b\" }\n", 1, 1, "SPL1011" },
        { "unknown placeholder", Head + "secrets:\n  A: { ref: \"secret/${environment}/a#b\" }\n", 7, 13, "SPL1012" },
        { "ttl not a duration", Head + "secrets:\n  DB: { dynamic: \"database/creds/app\", ttl: forever }\n", 7, 45, "SPL1013" },
        { "two entries output the same variable", Head + "secrets:\n  DB: { dynamic: \"database/creds/app\" }\n  DB_PASSWORD: { ref: \"secret/a#b\" }\n", 8, 3, "SPL1014" },
        { "unsupported version", "version: 2\nstores:\n  dev: { type: local }\nenvironments:\n  development: { store: dev }\n", 1, 10, "SPL1003" },
        { "ttl on a stored secret", Head + "secrets:\n  A: { ref: \"secret/a#b\", ttl: 1h }\n", 7, 32, "SPL1016" },
        { "unclosed flow mapping", Head + "secrets:\n  A: { ref: \"secret/a#b\"\n", 8, 1, "SPL1001" },
        { "key indented too far", Head + "secrets:\n  A:\n    ref: \"secret/a#b\"\n     mount: secret\n", 9, 6, "SPL1001" },
        { "a second YAML document", Head + "---\nversion: 1\n", 6, 1, "SPL1001" },
        { "an alias", "version: 1\nstores:\n  dev: &d { type: local }\n  dev2: *d\nenvironments:\n  development: { store: dev }\n", 4, 9, "SPL1010" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Lock_rejects_a_malformed_manifest_with_one_located_diagnostic_and_leaves_the_lock_alone(
        string title, string manifest, int line, int column, string code)
    {
        using var repo = new TestRepo(tool, output);
        await repo.InitAsync(Good);
        await repo.Cli.OkAsync("lock");
        var before = repo.ReadLock();
        output.WriteLine($"case: {title}");

        repo.WriteManifest(manifest);
        foreach (var arguments in new[] { new[] { "lock" }, ["lock", "--update"] })
        {
            AssertOneDiagnostic(await repo.Cli.RunAsync(arguments), line, column, code);
            Assert.Equal(before, repo.ReadLock());
        }

        File.Delete(repo.LockPath);
        AssertOneDiagnostic(await repo.Cli.RunAsync("lock", "--json"), line, column, code);
        Assert.False(File.Exists(repo.LockPath), "a failed lock created secrets.lock.json");
        Assert.DoesNotContain(Directory.EnumerateFiles(repo.Path), f => Path.GetFileName(f).Contains(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tab_in_the_indentation_is_reported_on_its_own_line()
    {
        using var repo = new TestRepo(tool, output);
        await repo.InitAsync("version: 1\nstores:\n\tdev: { type: local }\nenvironments:\n  development: { store: dev }\n");
        AssertOneDiagnostic(await repo.Cli.RunAsync("lock"), 3, 1, "SPL1001");
    }

    private static void AssertOneDiagnostic(ProcessResult result, int line, int column, string code)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var diagnostic = Assert.Single(result.ErrorLines);
        Assert.Contains($"secrets.yaml({line},{column}): error {code}: ", diagnostic, StringComparison.Ordinal);
        Assert.StartsWith(Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar), diagnostic, StringComparison.Ordinal);
        Assert.DoesNotContain(" at SecretsPipeline.", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StdOut);
    }
}
