using System.Text.Json;
using System.Text.RegularExpressions;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// The demo story of design §1 and §5 ("rollback is exact", "no resurrection", "all or nothing") through the packed
/// tool: a rotation rolled back by <c>git revert</c> and by <c>--at</c>, then a revoked version refused.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class RollbackStoryTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Env = TestRepo.Environment;

    [Fact]
    public async Task Revert_and_at_bring_back_the_pinned_values_and_a_revoked_version_is_refused_by_name()
    {
        using var repo = new TestRepo(tool, output);
        var (v1, v2) = await ArrangeTwoReleasesAsync(repo);

        Assert.Equal(Dotenv(v2), (await repo.Cli.OkAsync("resolve", "--env", Env)).StdOut);

        await repo.Git.RevertHeadAsync();
        Assert.Equal(Dotenv(v1), (await repo.Cli.OkAsync("resolve", "--env", Env)).StdOut);
        Assert.Equal(Dotenv(v2), (await repo.Cli.OkAsync("resolve", "--env", Env, "--at", "v2")).StdOut);
        Assert.Equal(Dotenv(v1), (await repo.Cli.OkAsync("resolve", "--env", Env, "--at", "v1")).StdOut);

        var revoke = await repo.Cli.OkAsync("revoke", "DB_PASSWORD", "--env", Env, "--version", "1");
        Assert.DoesNotContain(v1, revoke.StdOut + revoke.StdErr, StringComparison.Ordinal);

        // HEAD (the revert) pins version 1: refused, naming the secret, the version and the way forward.
        var refused = await repo.Cli.RunAsync("resolve", "--env", Env);
        AssertRevokedRefusal(refused);

        // No resurrection through an old tag either; the release pinned to version 2 still resolves.
        AssertRevokedRefusal(await repo.Cli.RunAsync("resolve", "--env", Env, "--at", "v1"));
        Assert.Equal(Dotenv(v2), (await repo.Cli.OkAsync("resolve", "--env", Env, "--at", "v2")).StdOut);

        // The way the message names: re-pin to the newest good version.
        await repo.Cli.OkAsync("lock", "--update", "DB_PASSWORD");
        Assert.Equal(Dotenv(v2), (await repo.Cli.OkAsync("resolve", "--env", Env)).StdOut);
    }

    [Fact]
    public async Task A_refused_resolve_with_out_leaves_an_existing_file_byte_identical_and_creates_none_when_absent()
    {
        using var repo = new TestRepo(tool, output);
        await ArrangeTwoReleasesAsync(repo);
        await repo.Cli.OkAsync("revoke", "DB_PASSWORD", "--env", Env, "--version", "2");

        var outDir = Directory.CreateDirectory(Path.Combine(repo.Scratch, "out")).FullName;
        var existing = Path.Combine(outDir, "existing.env");
        byte[] before = [.. "KEEP=\"the previous deploy's file\"\n"u8, 0x00, 0xFF, (byte)'\n'];
        await File.WriteAllBytesAsync(existing, before);
        var beforeTime = File.GetLastWriteTimeUtc(existing);

        foreach (var format in new[] { "dotenv", "json", "shell" })
        {
            var result = await repo.Cli.RunAsync("resolve", "--env", Env, "--format", format, "--out", existing);
            Assert.True(result.ExitCode == 1, $"--format {format}: {result}");
            Assert.Contains("SPL3003", result.StdErr, StringComparison.Ordinal);
            Assert.Equal(before, await File.ReadAllBytesAsync(existing));
            Assert.Equal(beforeTime, File.GetLastWriteTimeUtc(existing));
        }

        var absent = Path.Combine(outDir, "absent.env");
        var refused = await repo.Cli.RunAsync("resolve", "--env", Env, "--out", absent, "--json");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Equal(string.Empty, refused.StdOut);
        Assert.False(File.Exists(absent), "a refused resolve created its --out file");

        // Nothing else appeared beside them either (no temporary file left by a half-done write).
        Assert.Equal(new[] { existing }, Directory.GetFiles(outDir));
    }

    [Fact]
    public async Task Json_shell_and_dotenv_formats_carry_the_exact_value_to_stdout_and_to_an_out_file()
    {
        using var repo = new TestRepo(tool, output);
        // Quotes, a dollar, a backslash and spaces: each format must carry them without change or expansion.
        var tricky = $"p@ss'w\"rd $HOME \\ end-{Guid.NewGuid():N}";
        var (_, v2) = await ArrangeTwoReleasesAsync(repo, v2: tricky);

        var json = await repo.Cli.OkAsync("resolve", "--env", Env, "--format", "json");
        using (var document = JsonDocument.Parse(json.StdOut))
        {
            var property = Assert.Single(document.RootElement.EnumerateObject());
            Assert.Equal("DB_PASSWORD", property.Name);
            Assert.Equal(v2, property.Value.GetString());
        }

        var shell = await repo.Cli.OkAsync("resolve", "--env", Env, "--format", "shell");
        Assert.StartsWith("export DB_PASSWORD='", shell.StdOut, StringComparison.Ordinal);
        Assert.Equal(v2, await EvalInShellAsync(shell.StdOut, "DB_PASSWORD"));

        var dotenv = await repo.Cli.OkAsync("resolve", "--env", Env);
        Assert.Equal("DB_PASSWORD=\"p@ss'w\\\"rd \\$HOME \\\\ end-" + v2[^32..] + "\"\n", dotenv.StdOut);

        var outFile = Path.Combine(repo.Scratch, "deploy.env");
        var written = await repo.Cli.OkAsync("resolve", "--env", Env, "--format", "shell", "--out", outFile, "--json");
        Assert.Equal(shell.StdOut, await File.ReadAllTextAsync(outFile));
        Assert.DoesNotContain(v2, written.StdOut + written.StdErr, StringComparison.Ordinal);
        using (var report = JsonDocument.Parse(written.StdOut))
        {
            Assert.Equal(Path.GetFullPath(outFile), report.RootElement.GetProperty("out").GetString());
            Assert.Equal("2", report.RootElement.GetProperty("outputs")[0].GetProperty("version").GetString());
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outFile));
        }
    }

    /// <summary>init; v1 stored, locked, committed and tagged; v2 stored, lock --update, committed and tagged.</summary>
    internal static async Task<(string V1, string V2)> ArrangeTwoReleasesAsync(TestRepo repo, string? v1 = null, string? v2 = null)
    {
        v1 ??= $"correct-horse-v1-{Guid.NewGuid():N}";
        v2 ??= $"correct-horse-v2-{Guid.NewGuid():N}";
        await repo.InitAsync();

        await repo.Cli.PutAsync(TestRepo.DbPasswordRef, v1);
        await repo.Cli.OkAsync("lock");
        await repo.Git.CommitAsync("pin secrets (v1)", "v1");

        await repo.Cli.PutAsync(TestRepo.DbPasswordRef, v2);
        await repo.Cli.OkAsync("lock", "--update");
        await repo.Git.CommitAsync("rotate DB_PASSWORD (v2)", "v2");

        var tracked = (await repo.Git.RunAsync("ls-files")).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("secrets.lock.json", tracked);
        Assert.DoesNotContain(tracked, f => f.StartsWith(".secrets-pipeline/", StringComparison.Ordinal));
        return (v1, v2);
    }

    private static string Dotenv(string value) => $"DB_PASSWORD=\"{value}\"\n";

    private static void AssertRevokedRefusal(ProcessResult result)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(string.Empty, result.StdOut);
        var line = Assert.Single(result.ErrorLines);
        Assert.Matches(@"secrets\.yaml\(\d+,\d+\): error SPL3003: ", line);
        Assert.Contains("'DB_PASSWORD'", line, StringComparison.Ordinal);
        Assert.Matches(@"\bversion 1\b", line);
        Assert.Matches(new Regex(@"newest good version (is )?2\b"), line);
    }

    /// <summary>Sources <paramref name="script"/> in /bin/sh and returns the variable's value, as a deploy script would.</summary>
    private static async Task<string> EvalInShellAsync(string script, string variable)
    {
        var info = ProcessRunner.StartInfo("/bin/sh", ["-c", $"eval \"$(cat)\" && printf '%s' \"${variable}\""], Path.GetTempPath(), null, ChildEnvironment.EndToEnd);
        var result = await ProcessRunner.RunAsync(info, script, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdOut;
    }
}
