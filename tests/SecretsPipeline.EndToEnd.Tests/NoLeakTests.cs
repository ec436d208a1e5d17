using System.Text;
using System.Text.RegularExpressions;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Design §5 "no leaks": run every command of the story, successes and failures, with distinctive values, then grep
/// every byte the tool printed and every file it left (work tree, store, lock, home) for them.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class NoLeakTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Env = TestRepo.Environment;
    private const string ApiRef = "secret/development/payments#stripe";

    private static readonly string _manifest = TestRepo.DemoManifest + """
          STRIPE_KEY: { ref: "secret/${env}/payments#stripe" }

        """;

    [Fact]
    public async Task No_value_appears_in_any_output_or_file_except_where_it_was_requested()
    {
        using var repo = new TestRepo(tool, output);
        var cli = repo.Cli;
        var values = new[] { Value("db-v1"), Value("db-v2"), Value("api-v1"), Value("api-v2") };
        var (dbV1, dbV2, apiV1, apiV2) = (values[0], values[1], values[2], values[3]);
        var outFile = Path.Combine(repo.Path, "deploy", ".env");
        Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);
        await repo.Git.InitAsync();
        await cli.OkAsync("init");
        await cli.OkAsync("init", "--json");
        repo.WriteManifest(_manifest);

        await cli.PutAsync(TestRepo.DbPasswordRef, dbV1);
        await cli.PutAsync(ApiRef, apiV1, "--json");
        await cli.OkAsync("lock", "--json");
        await cli.OkAsync("lock");
        await repo.Git.CommitAsync("v1", "v1");

        await cli.PutAsync("secret/${env}/app/db#password", dbV2, "--env", Env);
        await cli.PutAsync(ApiRef, apiV2);
        await cli.OkAsync("lock", "--update", "DB_PASSWORD");
        await cli.OkAsync("lock", "--update", "--json");
        await repo.Git.CommitAsync("v2", "v2");

        await cli.OkAsync("verify");
        await cli.OkAsync("verify", "--json");
        await cli.OkAsync("verify", "--online");
        await cli.OkAsync("verify", "--online", "--json", "--env", Env);
        await cli.OkAsync("verify", "--at", "v1", "--online");
        await cli.OkAsync("store", "list");
        await cli.OkAsync("store", "list", "--json");
        await cli.OkAsync("store", "versions", TestRepo.DbPasswordRef);
        await cli.OkAsync("store", "versions", ApiRef, "--json");
        await cli.OkAsync("resolve", "--env", Env, "--out", outFile);
        await cli.OkAsync("resolve", "--env", Env, "--out", outFile, "--json", "--format", "json");
        await cli.OkAsync("resolve", "--env", Env, "--at", "v1", "--out", outFile, "--verbose");

        // Asked for: the values go to standard output, and only there.
        var requested = new List<CliRun>();
        async Task RequestedAsync(params string[] arguments)
        {
            await cli.OkAsync(arguments);
            requested.Add(cli.History[^1]);
        }

        await RequestedAsync("store", "get", TestRepo.DbPasswordRef);
        await RequestedAsync("store", "get", ApiRef, "--version", "1", "--json");
        await RequestedAsync("resolve", "--env", Env);
        await RequestedAsync("resolve", "--env", Env, "--format", "json");
        await RequestedAsync("resolve", "--env", Env, "--format", "shell", "--at", "v1");

        // Failures: revoked, wrong environment, bad refs, bad input, a check-and-set conflict, a tampered lock.
        Task FailsAsync(int exitCode, params string[] arguments) => FailsWithInputAsync(null, exitCode, arguments);
        async Task FailsWithInputAsync(string? stdin, int exitCode, params string[] arguments)
        {
            var result = await cli.RunWithInputAsync(stdin, arguments);
            Assert.True(result.ExitCode == exitCode, $"secrets-pipeline {string.Join(' ', arguments)}: expected exit {exitCode}, got {result}");
            Assert.NotEmpty(result.ErrorLines);
            Assert.Contains(result.ErrorLines, line => RegexDiagnostic().IsMatch(line));
        }

        await cli.OkAsync("revoke", "DB_PASSWORD", "--env", Env, "--version", "2");
        await cli.OkAsync("revoke", "STRIPE_KEY", "--env", Env, "--version", "1", "--json", "--reason", "rotated after an incident");
        await FailsAsync(1, "resolve", "--env", Env);
        await FailsAsync(1, "resolve", "--env", Env, "--verbose", "--format", "json");
        await FailsAsync(1, "resolve", "--env", Env, "--at", "v1", "--out", outFile, "--json");
        await FailsAsync(1, "verify", "--online");
        await FailsAsync(1, "verify", "--online", "--json");
        await FailsAsync(1, "store", "get", TestRepo.DbPasswordRef, "--version", "2");
        await FailsAsync(1, "store", "get", ApiRef, "--version", "1", "--json", "--verbose");
        await FailsAsync(2, "resolve", "--env", "production");
        await FailsAsync(2, "resolve", "--env", "production", "--json", "--out", outFile);
        await FailsAsync(2, "lock", "--env", "nope", "--update");
        await FailsAsync(2, "revoke", "NO_SUCH_SECRET", "--env", Env, "--version", "1");
        await FailsAsync(2, "store", "get", "secret/development/app/db");
        await FailsAsync(2, "resolve", "--env", Env, "--format", "yaml");
        await FailsAsync(2, "resolve", "--env", Env, "--at", "no-such-tag");
        await FailsWithInputAsync(dbV1 + "-cas\n", 1, "store", "put", TestRepo.DbPasswordRef, "--cas", "1");
        await FailsWithInputAsync(string.Empty, 2, "store", "put", TestRepo.DbPasswordRef);

        var lockBytes = repo.ReadLock();
        var text = Encoding.UTF8.GetString(lockBytes);
        var at = text.IndexOf("\"version\": \"2\"", StringComparison.Ordinal);
        Assert.True(at > 0, "the lock pins no version 2");
        await File.WriteAllTextAsync(repo.LockPath, text[..at] + "\"version\": \"1\"" + text[(at + 14)..]);
        await FailsAsync(1, "resolve", "--env", Env, "--verbose");
        await FailsAsync(1, "lock", "--update", "--verbose");
        await File.WriteAllBytesAsync(repo.LockPath, lockBytes);

        var secrets = values.Append(dbV1 + "-cas").ToArray();
        Assert.True(cli.History.Count >= 40, $"only {cli.History.Count} runs");
        foreach (var run in cli.History)
        {
            var stdoutAllowed = requested.Contains(run);
            foreach (var secret in secrets)
            {
                Assert.False(run.Result.StdErr.Contains(secret, StringComparison.Ordinal), $"{run.CommandLine} wrote a value to stderr: {run.Result.StdErr}");
                Assert.False(!stdoutAllowed && run.Result.StdOut.Contains(secret, StringComparison.Ordinal), $"{run.CommandLine} wrote a value to stdout: {run.Result.StdOut}");
            }
        }

        // The requested runs did deliver (otherwise the check above proves nothing about where values go).
        Assert.Contains(dbV2, requested[0].Result.StdOut, StringComparison.Ordinal);
        Assert.Contains(apiV1, requested[1].Result.StdOut, StringComparison.Ordinal);
        Assert.Contains(apiV2, requested[3].Result.StdOut, StringComparison.Ordinal);
        Assert.Contains(dbV1, await File.ReadAllTextAsync(outFile), StringComparison.Ordinal);

        var scanned = AssertNoFileContains(repo.Path, secrets, except: outFile, skipGit: true);
        Assert.Contains(Path.Combine(repo.Path, ".secrets-pipeline", "store.db"), scanned);
        Assert.Contains(repo.LockPath, scanned);
        var homeFiles = AssertNoFileContains(repo.Home, secrets, except: null, skipGit: false);
        Assert.Contains(Path.Combine(repo.Home, "local-store.key"), homeFiles);
        output.WriteLine($"{cli.History.Count} runs checked; {scanned.Count} work-tree files and {homeFiles.Count} home files scanned");
    }

    private static string Value(string label) => $"s3cr3t-VALUE-{label}-{Guid.NewGuid():N}";

    /// <summary>Asserts no file under <paramref name="root"/> holds any value's UTF-8 bytes; returns the files scanned.</summary>
    private static List<string> AssertNoFileContains(string root, string[] secrets, string? except, bool skipGit)
    {
        var gitDir = Path.Combine(root, ".git") + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => !(skipGit && f.StartsWith(gitDir, StringComparison.Ordinal)) && f != except)
            .ToList();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in secrets)
            {
                Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0, $"{file} contains a secret value");
            }
        }

        return files;
    }

    [GeneratedRegex(@"^\S.*: error SPL\d{4}: ")]
    private static partial Regex RegexDiagnostic();
}
